import type { Kysely, Selectable } from 'kysely';
import { isRole, type Role } from '../accounts/index.js';
import type { Database } from '../store/index.js';
import type { ServicesTable } from '../store/schema.js';
import {
  ServiceError,
  formatServiceHost,
  parseServiceHost,
  type NewService,
  type Service,
  type ServiceHost,
} from './service.js';

function jsonList(text: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

export function toService(row: Selectable<ServicesTable>): Service {
  return {
    slug: row.slug,
    name: row.name,
    hosts: jsonList(row.hosts)
      .map((h) => (typeof h === 'string' ? parseServiceHost(h) : undefined))
      .filter((h): h is ServiceHost => h !== undefined),
    roles: jsonList(row.roles).filter(isRole) as Role[],
    capability: row.capability,
    browser: Number(row.browser) === 1,
    twoFactor: row.two_factor === 'required' ? 'required' : 'if_enrolled',
    scope: row.scope === 'content' ? 'content' : 'full',
    created: Number(row.created),
  };
}

export async function listServices(db: Kysely<Database>): Promise<Service[]> {
  const rows = await db.selectFrom('services').selectAll().orderBy('slug').execute();
  return rows.map(toService);
}

export async function findService(
  db: Kysely<Database>,
  slug: string,
): Promise<Service | undefined> {
  const row = await db
    .selectFrom('services')
    .selectAll()
    .where('slug', '=', slug)
    .executeTakeFirst();
  return row && toService(row);
}

/**
 * Adds a service. A host + path another service already claims is refused: two services
 * answering for one URL would make who may enter depend on the order of rows.
 */
export async function addService(
  db: Kysely<Database>,
  service: NewService,
  now: number,
): Promise<Service> {
  const existing = await listServices(db);
  if (existing.some((s) => s.slug === service.slug))
    throw new ServiceError('slug', `A service with the slug "${service.slug}" already exists.`);
  for (const other of existing)
    for (const h of service.hosts)
      if (other.hosts.some((o) => o.host === h.host && o.pathPrefix === h.pathPrefix))
        throw new ServiceError(
          'hosts',
          `${formatServiceHost(h)} is already a host of the service "${other.slug}".`,
        );
  const row = {
    slug: service.slug,
    name: service.name,
    hosts: JSON.stringify(service.hosts.map(formatServiceHost)),
    roles: JSON.stringify(service.roles),
    capability: service.capability,
    browser: service.browser ? 1 : 0,
    two_factor: service.twoFactor,
    scope: service.scope,
    created: now,
  };
  await db.insertInto('services').values(row).execute();
  return toService(row);
}

export async function removeService(db: Kysely<Database>, slug: string): Promise<boolean> {
  const result = await db.deleteFrom('services').where('slug', '=', slug).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The shape REST, the CLI's --json and the docs show. */
export function serviceShape(s: Service) {
  return {
    slug: s.slug,
    name: s.name,
    hosts: s.hosts.map(formatServiceHost),
    roles: s.roles,
    capability: s.capability,
    browser: s.browser,
    two_factor: s.twoFactor,
    scope: s.scope,
    created: new Date(s.created).toISOString().slice(0, 19),
  };
}
