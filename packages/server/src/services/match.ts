import type { Service } from './service.js';

/** The original request's address as the proxy reported it. */
export interface OriginalTarget {
  /** Lowercase host, with `:port` when the request named a non-default one. */
  host: string;
  /** The path, without the query. */
  path: string;
}

const underPrefix = (path: string, prefix: string) =>
  prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);

/**
 * The service that answers for a request: a host entry equal to the request's host (an entry
 * with a port matches only that port; one without matches any port), the longest path prefix
 * winning. No match means no service, and the request is refused (never waved through).
 */
export function matchService(
  services: readonly Service[],
  target: OriginalTarget,
): Service | undefined {
  const host = target.host.toLowerCase();
  const name = host.replace(/:\d+$/, '');
  const path = normalisePath(target.path);
  let best: { service: Service; length: number; exactPort: boolean } | undefined;
  for (const service of services) {
    for (const h of service.hosts) {
      const exactPort = h.host.includes(':');
      if (exactPort ? h.host !== host : h.host !== name) continue;
      if (!underPrefix(path, h.pathPrefix)) continue;
      const length = h.pathPrefix === '/' ? 0 : h.pathPrefix.length;
      if (!best || length > best.length || (length === best.length && exactPort && !best.exactPort))
        best = { service, length, exactPort };
    }
  }
  return best?.service;
}

/**
 * Decodes percent-escapes of unreserved characters and resolves `.`/`..` segments so that
 * `/api/../admin` cannot pass as being under `/api`; the upstream sees the same path resolved.
 */
export function normalisePath(raw: string): string {
  let path = raw.split('?')[0]!.split('#')[0]!;
  try {
    path = decodeURIComponent(path.replace(/%2f/gi, '%252F').replace(/%5c/gi, '%255C'));
  } catch {
    // keep it as sent: a malformed escape matches nothing narrower than its literal text
  }
  if (!path.startsWith('/')) path = `/${path}`;
  const out: string[] = [];
  for (const seg of path.split('/').slice(1)) {
    if (seg === '.' || seg === '') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}
