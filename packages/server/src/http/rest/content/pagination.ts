import type { ArgSpecs } from '../args.js';
import type { RestRequest } from '../registry.js';
import { apiRoot } from '../dispatch.js';
import { restUrl } from './resourceContext.js';

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
