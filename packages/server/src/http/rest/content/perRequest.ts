import type { FastifyRequest } from 'fastify';
import type { RestRequest } from '../registry.js';

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
