import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

/**
 * Clickjacking, sniffing and injected script: the headers http/app.ts adds to every response
 * (docs/security.md). SPEC §4 asks for frame-busting on the authorize screen only
 * (authorizeApp.test.ts checks it there); Latchkey sends these headers everywhere.
 */
describe('security headers on every page', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: STORES[0]! });
  });
  afterAll(() => server?.close());

  it('every page forbids framing and sniffing and sets a strict CSP', async () => {
    for (const pathname of ['/', '/login', '/no-such-page']) {
      const response = await fetch(`${server.url}${pathname}`);
      expect(response.headers.get('x-frame-options'), pathname).toBe('DENY');
      expect(response.headers.get('content-security-policy'), pathname).toContain(
        "frame-ancestors 'none'",
      );
      expect(response.headers.get('content-security-policy'), pathname).toContain(
        "script-src 'self'",
      );
      expect(response.headers.get('x-content-type-options'), pathname).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), pathname).toBe('same-origin');
    }
  });
});
