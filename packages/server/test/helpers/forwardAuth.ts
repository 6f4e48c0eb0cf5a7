import type { TestServer } from './server.js';

/** Traefik's and Caddy's header set for an original request. */
export const traefik = (host: string, uri = '/', method = 'GET', proto = 'http') => ({
  'x-forwarded-method': method,
  'x-forwarded-proto': proto,
  'x-forwarded-host': host,
  'x-forwarded-uri': uri,
});

/** nginx auth_request's header set. */
export const nginx = (url: string, method = 'GET') => ({
  'x-original-method': method,
  'x-original-url': url,
});

export async function verify(
  server: TestServer,
  headers: Record<string, string>,
  method = 'GET',
): Promise<Response> {
  return fetch(`${server.url}/auth/verify`, { method, headers, redirect: 'manual' });
}

/** Registers a service straight in the store through the same function REST uses. */
export async function addTestService(server: TestServer, input: Record<string, unknown>) {
  const { addService, parseNewService } = await import('../../src/services/index.js');
  return addService(server.latchkey.store.db, parseNewService(input), server.clock.now);
}
