import type { FastifyRequest } from 'fastify';
import {
  can,
  postTypeCapability,
  type PostType as CapPostType,
  type User,
} from '../../../accounts/index.js';
import { parseRestDate, type PostReader } from '../../../content/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { validateArgs, type ArgSpecs } from '../args.js';
import { apiRoot } from '../dispatch.js';
import type { RestRequest } from '../registry.js';
import { denied } from '../denied.js';

export type Context = 'view' | 'edit' | 'embed';

export const CONTEXT_ARG = {
  context: {
    type: 'string',
    description: 'Scope under which the request is made; determines fields present in response.',
    enum: ['view', 'embed', 'edit'],
    default: 'view',
  },
} as const satisfies ArgSpecs;

export const PAGING_ARGS = {
  page: {
    type: 'integer',
    description: 'Current page of the collection.',
    default: 1,
    minimum: 1,
  },
  per_page: {
    type: 'integer',
    description: 'Maximum number of items to be returned in result set.',
    default: 10,
    minimum: 1,
    maximum: 100,
  },
  search: { type: 'string', description: 'Limit results to those matching a string.' },
  offset: {
    type: 'integer',
    description: 'Offset the result set by a specific number of items.',
    minimum: 0,
  },
  include: { type: 'array', items: { type: 'integer' }, default: [] },
  exclude: { type: 'array', items: { type: 'integer' }, default: [] },
  slug: { type: 'array', items: { type: 'string' } },
} satisfies ArgSpecs;

export const contextOf = (req: RestRequest): Context =>
  req.args.context === 'edit' || req.args.context === 'embed' ? req.args.context : 'view';

/** The `_links.curies` entry WordPress appends to every resource. */
export const CURIES = [{ name: 'wp', href: 'https://api.w.org/{rel}', templated: true }];

export const restUrl = (ctx: AppContext, route: string) => `${apiRoot(ctx)}${route}`;

export { denied };

export const forbidden = (req: RestRequest) =>
  denied(req, 'rest_forbidden', 'Sorry, you are not allowed to do that.');

/** `can()` for a request's caller; nobody signed in can do nothing. */
export const callerCan = (
  user: User | undefined,
  capability: Parameters<typeof can>[1],
): user is User => user !== undefined && can(user, capability);

export const typeCan = (
  user: User | undefined,
  type: CapPostType,
  capability: Parameters<typeof postTypeCapability>[1],
) => callerCan(user, postTypeCapability(type, capability));

/** What a caller may read of a post type beyond published posts. */
export function readerOf(user: User | undefined, type: 'post' | 'page'): PostReader {
  return {
    userId: user?.id,
    readPrivate: typeCan(user, type, 'read_private_posts'),
    editOthers: typeCan(user, type, 'edit_others_posts'),
  };
}

/**
 * `X-WP-Total`, `X-WP-TotalPages` and the `prev`/`next` links, built from the request's own query
 * as WordPress does.
 */
export function collectionHeaders(
  req: RestRequest,
  route: string,
  page: number,
  perPage: number,
  total: number,
): Record<string, string> {
  const maxPages = Math.ceil(total / perPage);
  const headers: Record<string, string> = {
    'x-wp-total': String(total),
    'x-wp-totalpages': String(maxPages),
  };
  const query = new URLSearchParams(req.raw.url.split('?')[1] ?? '');
  query.delete('rest_route');
  const link = (n: number) => {
    query.set('page', String(n));
    return `${restUrl(req.ctx, route)}?${query.toString()}`;
  };
  const links = [`<${apiRoot(req.ctx)}>; rel="https://api.w.org/"`];
  if (page > 1) links.push(`<${link(Math.min(page - 1, Math.max(maxPages, 1)))}>; rel="prev"`);
  if (maxPages > page) links.push(`<${link(page + 1)}>; rel="next"`);
  headers.link = links.join(', ');
  return headers;
}

/** Title, content, excerpt…: WordPress takes a string or `{ raw }`. */
export function textArg(req: RestRequest, name: string): string | undefined {
  const value = req.args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return withoutNul(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && !Array.isArray(value)) {
    const raw = (value as Record<string, unknown>).raw;
    if (raw === undefined) return undefined;
    if (typeof raw === 'string') return withoutNul(raw);
  }
  throw invalidParam(name, `${name} is not of type string.`, 'rest_invalid_type');
}

export function invalidParam(
  name: string,
  message: string,
  code = 'rest_invalid_param',
): HttpError {
  return new HttpError(400, 'rest_invalid_param', `Invalid parameter(s): ${name}`, {
    params: { [name]: message },
    details: { [name]: { code, message, data: null } },
  });
}

/** A REST date argument as epoch ms; `null` when the client sent null (reset). */
export function dateArg(
  req: RestRequest,
  name: string,
  timeZone: string,
): number | null | undefined {
  const value = req.args[name];
  if (value === undefined) return undefined;
  if (value === null) return null;
  const ms = typeof value === 'string' ? parseRestDate(value, timeZone) : undefined;
  if (ms === undefined) throw invalidParam(name, 'Invalid date.', 'rest_invalid_date');
  return ms;
}

/**
 * PHP-style array parameters (`categories[]=1&categories[]=2`), which WordPress clients send in
 * forms and query strings, validated like the plain name.
 */
export function bracketArrayArgs(req: RestRequest, specs: ArgSpecs): void {
  for (const [key, value] of Object.entries(req.args)) {
    if (!key.endsWith('[]')) continue;
    const name = key.slice(0, -2);
    const spec = specs[name];
    if (!spec || (req.args[name] !== undefined && req.args[name] !== spec.default)) continue;
    Object.assign(req.args, validateArgs({ [name]: spec }, { [name]: value }));
  }
}

/** One lookup per request and id, shared by permission checks, the `Allow` header and the handler. */
export function perRequest<T>(load: (id: number) => Promise<T | undefined>) {
  const cache = new WeakMap<FastifyRequest, Map<number, Promise<T | undefined>>>();
  return (req: RestRequest, id: number): Promise<T | undefined> => {
    let byId = cache.get(req.raw);
    if (!byId) cache.set(req.raw, (byId = new Map()));
    let pending = byId.get(id);
    if (!pending) byId.set(id, (pending = load(id)));
    return pending;
  };
}

export const idOf = (req: RestRequest): number => {
  const n = Number(req.args.id);
  return Number.isSafeInteger(n) ? n : 0;
};

/** PostgreSQL refuses NUL in text; it never belongs in content anyway. */
export const withoutNul = (text: string) => text.replaceAll('\u0000', '');

const INT4_MAX = 2_147_483_647;

/**
 * The integer list of an array argument, or undefined when absent or empty. Ids beyond the
 * database's integer range become -1, which matches nothing (PostgreSQL would refuse them).
 */
export const intList = (value: unknown): number[] | undefined =>
  Array.isArray(value) && value.length > 0
    ? value.map((v) => {
        const n = Number(v);
        return Number.isSafeInteger(n) && Math.abs(n) <= INT4_MAX ? n : -1;
      })
    : undefined;

export const stringList = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.length > 0 ? value.map((v) => withoutNul(String(v))) : undefined;

/** A string argument without NUL, or undefined. */
export const stringArg = (req: RestRequest, name: string): string | undefined =>
  typeof req.args[name] === 'string' ? withoutNul(req.args[name]) : undefined;
