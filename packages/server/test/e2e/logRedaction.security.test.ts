import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserClient } from '../helpers/browserClient.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

/** Secrets never reach the logs: logger.ts's redaction, and request logs without query strings. */
describe('logs carry no secrets, SPEC §10', () => {
  let server: TestServer;
  const logLines: string[] = [];
  beforeAll(async () => {
    server = await startTestServer({
      store: STORES[0]!,
      config: { metricsToken: 'metrics-secret-token', logLevel: 'info' },
      logDestination: { write: (line) => void logLines.push(line) },
    });
    // The metrics token travels in a request header like any other credential.
    const metrics = await fetch(`${server.url}/metrics`, {
      headers: { authorization: 'Bearer metrics-secret-token' },
    });
    expect(metrics.status).toBe(200);
    await metrics.text();
  });
  afterAll(() => server?.close());

  it('logs carry no passwords, cookies, nonces or Authorization values', async () => {
    const browser = new BrowserClient(server.url);
    await browser.signIn('admin', ADMIN_PASSWORD);
    const nonce = await browser.restNonce();
    await browser.get(`/wp-json/wp/v2/users/me?_wpnonce=${nonce}`, {
      authorization: 'Basic YWRtaW46c2VjcmV0LWJhc2lj',
    });
    await browser.get('/this-fails');
    const all = logLines.join('');
    expect(logLines.length).toBeGreaterThan(3);
    for (const secret of [
      ADMIN_PASSWORD,
      browser.cookies.get('latchkey_session')!,
      nonce,
      'YWRtaW46c2VjcmV0LWJhc2lj',
      'metrics-secret-token',
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});
