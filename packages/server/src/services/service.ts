import { ROLE_CAPABILITIES, ROLE_NAMES, isRole, type Role } from '../accounts/index.js';
import { LatchkeyError } from '../errors/index.js';
import type { Scope } from '../app-passwords/index.js';

export type TwoFactorRule = 'required' | 'if_enrolled';

/** One entry of a service's `hosts`: an exact host name (with an optional port) and a path prefix. */
export interface ServiceHost {
  /** Lowercase host name, with `:port` when the entry named one. */
  host: string;
  /** `/` or a prefix without a trailing slash (`/api`): matches `/api` and `/api/…`, not `/apix`. */
  pathPrefix: string;
}

/** A service guarded by forward authentication (SPEC §11). */
export interface Service {
  slug: string;
  name: string;
  hosts: ServiceHost[];
  /** Roles admitted (after a password's role ceiling); empty with no capability = everyone. */
  roles: Role[];
  /** A capability admitted users must have (after the ceiling), instead of or besides roles. */
  capability: string | null;
  /** Session cookies accepted, signed-out browsers sent to sign in. */
  browser: boolean;
  twoFactor: TwoFactorRule;
  /** The least scope an application password needs: `content` admits content-scoped ones. */
  scope: Scope;
  created: number;
}

export type NewService = Omit<Service, 'created'>;

/** A refused service definition: 400 `rest_invalid_param`, naming the field, on every surface. */
export class ServiceError extends LatchkeyError<'rest_invalid_param'> {
  constructor(
    readonly param: string,
    readonly detail: string,
  ) {
    super('rest_invalid_param', `Invalid parameter(s): ${param}`, { params: { [param]: detail } });
  }
}

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const KNOWN_CAPABILITIES = new Set(Object.values(ROLE_CAPABILITIES).flat());

/** Parses one `hosts` entry: `app.example.com`, `api.example.com/v1`, `localhost:8443/dav`. */
export function parseServiceHost(entry: string): ServiceHost | undefined {
  const text = entry.trim().toLowerCase();
  if (text === '' || text.length > 300 || /[\s?#@\\]/.test(text) || text.includes('://'))
    return undefined;
  const slash = text.indexOf('/');
  const hostPart = slash < 0 ? text : text.slice(0, slash);
  let path = slash < 0 ? '/' : text.slice(slash);
  const [name = '', port, extra] = hostPart.split(':');
  if (extra !== undefined) return undefined;
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) > 0 && Number(port) < 65536))
    return undefined;
  const labels = name.split('.');
  if (name.length > 253 || !labels.every((l) => HOST_LABEL.test(l))) return undefined;
  if (path.includes('//') || path.split('/').some((seg) => seg === '.' || seg === '..'))
    return undefined;
  path = path.replace(/\/+$/, '') || '/';
  return { host: port === undefined ? name : `${name}:${port}`, pathPrefix: path };
}

export function formatServiceHost(h: ServiceHost): string {
  return h.pathPrefix === '/' ? h.host : `${h.host}${h.pathPrefix}`;
}

const list = (value: unknown): unknown[] | undefined => {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'string')
    return value
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
  return undefined;
};

const bool = (value: unknown): boolean | undefined => {
  if (value === undefined || value === null || value === '') return false;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1' || value === 'on' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 'off' || value === 0) return false;
  return undefined;
};

/**
 * Validates a service definition from any surface (REST, form, CLI): every field is checked
 * and the first problem named. Raw values may be strings (comma- or space-separated lists).
 */
export function parseNewService(input: Record<string, unknown>): NewService {
  const slug = typeof input.slug === 'string' ? input.slug.trim() : '';
  if (!SLUG_PATTERN.test(slug))
    throw new ServiceError(
      'slug',
      'slug must be 1–64 lowercase letters, digits or dashes (not at either end).',
    );
  const name = typeof input.name === 'string' ? input.name.replace(/\s+/g, ' ').trim() : '';
  if (name === '' || name.length > 200 || /[<>"\\]/.test(name))
    throw new ServiceError(
      'name',
      'name must be 1–200 characters, without <, >, " or backslashes (it is the Basic realm).',
    );
  const hostEntries = list(input.hosts);
  if (!hostEntries || hostEntries.length === 0 || hostEntries.length > 50)
    throw new ServiceError('hosts', 'hosts must list 1–50 host names (optionally with a path).');
  const hosts: ServiceHost[] = [];
  for (const entry of hostEntries) {
    const parsed = typeof entry === 'string' ? parseServiceHost(entry) : undefined;
    if (!parsed)
      throw new ServiceError(
        'hosts',
        `"${String(entry).slice(0, 100)}" is not a host name with an optional path prefix (app.example.com or api.example.com/v1).`,
      );
    if (!hosts.some((h) => h.host === parsed.host && h.pathPrefix === parsed.pathPrefix))
      hosts.push(parsed);
  }
  const roleEntries = list(input.roles);
  if (!roleEntries || !roleEntries.every(isRole))
    throw new ServiceError('roles', `roles must be a list of ${ROLE_NAMES.join(', ')}.`);
  const capability =
    typeof input.capability === 'string' && input.capability.trim() !== ''
      ? input.capability.trim()
      : null;
  if (
    input.capability !== undefined &&
    input.capability !== null &&
    typeof input.capability !== 'string'
  )
    throw new ServiceError('capability', 'capability must be a capability name.');
  if (capability !== null && !KNOWN_CAPABILITIES.has(capability))
    throw new ServiceError('capability', `"${capability.slice(0, 64)}" is not a known capability.`);
  const browser = bool(input.browser);
  if (browser === undefined) throw new ServiceError('browser', 'browser must be true or false.');
  const twoFactor = input.two_factor ?? input.twoFactor ?? 'if_enrolled';
  if (twoFactor !== 'required' && twoFactor !== 'if_enrolled')
    throw new ServiceError('two_factor', 'two_factor must be "required" or "if_enrolled".');
  const scope = input.scope === undefined || input.scope === '' ? 'full' : input.scope;
  if (scope !== 'full' && scope !== 'content')
    throw new ServiceError('scope', 'scope must be "full" or "content".');
  return {
    slug,
    name,
    hosts,
    roles: [...new Set(roleEntries as Role[])],
    capability,
    browser,
    twoFactor,
    scope,
  };
}
