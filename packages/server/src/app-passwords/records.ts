import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/index.js';
import type { ApplicationPasswordsTable } from '../store/schema.js';
import { chunkApplicationPassword, generateApplicationPassword } from './format.js';
import { hashApplicationPassword } from './hash.js';

export type Scope = 'full' | 'content';

export interface ApplicationPassword {
  uuid: string;
  userId: number;
  appId: string;
  name: string;
  passwordHash: string;
  created: number;
  lastUsed: number | null;
  lastIp: string | null;
  scope: Scope;
  roleCeiling: string | null;
  expires: number | null;
  /** Slugs of the services it may enter through forward authentication; `[]` = every one. */
  services: string[];
}

/** A stored services limit: a JSON list of slugs (anything else reads as no limit's opposite: none). */
export function parseServicesColumn(value: string | undefined | null): string[] {
  if (value === undefined || value === null || value === '' || value === '[]') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed) && parsed.every((s) => typeof s === 'string')) return parsed;
  } catch {
    // fall through
  }
  // An unreadable limit must not widen into "every service".
  return ['\u0000unreadable'];
}

export function toApplicationPassword(
  row: Selectable<ApplicationPasswordsTable>,
): ApplicationPassword {
  return {
    uuid: row.uuid,
    userId: Number(row.user_id),
    appId: row.app_id,
    name: row.name,
    passwordHash: row.password_hash,
    created: Number(row.created),
    lastUsed: row.last_used === null ? null : Number(row.last_used),
    lastIp: row.last_ip,
    scope: row.scope === 'content' ? 'content' : 'full',
    roleCeiling: row.role_ceiling,
    expires: row.expires === null ? null : Number(row.expires),
    services: parseServicesColumn(row.services),
  };
}

export interface NewApplicationPassword {
  userId: number;
  name: string;
  appId?: string;
  scope?: Scope;
  roleCeiling?: string | null;
  expires?: number | null;
  /** Service slugs (SPEC §11); empty or absent = every service. */
  services?: readonly string[];
}

/** Creates a record; the raw password is returned once, chunked for display, and never stored. */
export async function createApplicationPassword(
  db: Kysely<Database>,
  input: NewApplicationPassword,
  now: number,
): Promise<{ record: ApplicationPassword; password: string; chunked: string }> {
  const password = generateApplicationPassword();
  const row = {
    uuid: randomUUID(),
    user_id: input.userId,
    app_id: input.appId ?? '',
    name: input.name,
    password_hash: hashApplicationPassword(password),
    created: now,
    last_used: null,
    last_ip: null,
    scope: input.scope ?? 'full',
    role_ceiling: input.roleCeiling ?? null,
    expires: input.expires ?? null,
    expiry_notified_at: null,
    services: JSON.stringify([...new Set(input.services ?? [])].sort()),
  };
  await db.insertInto('application_passwords').values(row).execute();
  return {
    record: toApplicationPassword(row),
    password,
    chunked: chunkApplicationPassword(password),
  };
}

export async function listApplicationPasswords(
  db: Kysely<Database>,
  userId: number,
): Promise<ApplicationPassword[]> {
  const rows = await db
    .selectFrom('application_passwords')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created', 'asc')
    .orderBy('uuid', 'asc')
    .execute();
  return rows.map(toApplicationPassword);
}

export async function findApplicationPassword(
  db: Kysely<Database>,
  userId: number,
  uuid: string,
): Promise<ApplicationPassword | undefined> {
  const row = await db
    .selectFrom('application_passwords')
    .selectAll()
    .where('user_id', '=', userId)
    .where('uuid', '=', uuid.toLowerCase())
    .executeTakeFirst();
  return row && toApplicationPassword(row);
}

export async function renameApplicationPassword(
  db: Kysely<Database>,
  record: ApplicationPassword,
  name: string,
): Promise<ApplicationPassword> {
  await db
    .updateTable('application_passwords')
    .set({ name })
    .where('uuid', '=', record.uuid)
    .execute();
  return { ...record, name };
}

/**
 * Before application passwords are deleted, their keyed hashes are kept as revoked (90 days),
 * so that a program still presenting one is told apart from a wrong password on /metrics.
 * Imported legacy hashes are salted and cannot be looked up, so they are not kept.
 */
async function keepAsRevoked(
  db: Kysely<Database>,
  now: number,
  which: { uuid: string } | { userId: number; appId?: string },
): Promise<void> {
  await db
    .insertInto('revoked_application_passwords')
    .columns(['user_id', 'password_hash', 'uuid', 'revoked'])
    .expression((eb) => {
      let q = eb
        .selectFrom('application_passwords')
        .select(['user_id', 'password_hash', 'uuid', eb.val(now).as('revoked')])
        .where('password_hash', 'like', '$generic$%');
      if ('uuid' in which) q = q.where('uuid', '=', which.uuid);
      else {
        q = q.where('user_id', '=', which.userId);
        if (which.appId !== undefined) q = q.where('app_id', '=', which.appId);
      }
      return q;
    })
    .onConflict((oc) => oc.columns(['user_id', 'password_hash']).doNothing())
    .execute();
}

export async function deleteApplicationPassword(
  db: Kysely<Database>,
  record: ApplicationPassword,
  now: number = Date.now(),
): Promise<boolean> {
  await keepAsRevoked(db, now, { uuid: record.uuid });
  const result = await db
    .deleteFrom('application_passwords')
    .where('uuid', '=', record.uuid)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteAllApplicationPasswords(
  db: Kysely<Database>,
  userId: number,
  now: number = Date.now(),
): Promise<number> {
  await keepAsRevoked(db, now, { userId });
  const result = await db
    .deleteFrom('application_passwords')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteApplicationPasswordsOfApp(
  db: Kysely<Database>,
  userId: number,
  appId: string,
  now: number = Date.now(),
): Promise<number> {
  await keepAsRevoked(db, now, { userId, appId });
  const result = await db
    .deleteFrom('application_passwords')
    .where('user_id', '=', userId)
    .where('app_id', '=', appId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The hourly sweep: revoked hashes older than 90 days are forgotten. */
export async function purgeRevokedApplicationPasswords(
  db: Kysely<Database>,
  now: number,
): Promise<number> {
  const result = await db
    .deleteFrom('revoked_application_passwords')
    .where('revoked', '<', now - 90 * 86_400_000)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Re-hashes an imported legacy hash to `$generic$` after it verified once. */
export async function upgradeApplicationPasswordHash(
  db: Kysely<Database>,
  uuid: string,
  password: string,
): Promise<void> {
  await db
    .updateTable('application_passwords')
    .set({ password_hash: hashApplicationPassword(password) })
    .where('uuid', '=', uuid)
    .execute();
}

/** Imports a record with an existing (possibly legacy) hash, as `import-wordpress` does. */
export async function importApplicationPassword(
  db: Kysely<Database>,
  record: Omit<ApplicationPassword, 'scope' | 'roleCeiling' | 'expires' | 'services'> &
    Partial<Pick<ApplicationPassword, 'scope' | 'roleCeiling' | 'expires' | 'services'>>,
): Promise<void> {
  await db
    .insertInto('application_passwords')
    .values({
      uuid: record.uuid,
      user_id: record.userId,
      app_id: record.appId,
      name: record.name,
      password_hash: record.passwordHash,
      created: record.created,
      last_used: record.lastUsed,
      last_ip: record.lastIp,
      scope: record.scope ?? 'full',
      role_ceiling: record.roleCeiling ?? null,
      expires: record.expires ?? null,
      services: JSON.stringify(record.services ?? []),
    })
    .execute();
}
