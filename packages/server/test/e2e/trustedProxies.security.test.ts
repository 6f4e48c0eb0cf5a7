import { describe, expect, it } from 'vitest';
import { BrowserClient } from '../helpers/browserClient.js';
import { ADMIN_PASSWORD, startTestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const sqlite = STORES[0]!;

/** Spoofed client addresses: http/clientAddress.ts believes X-Forwarded-For only from trusted proxies. */
describe('client address behind proxies, SPEC §7', () => {
  it('ignores X-Forwarded-For unless the peer is a trusted proxy', async () => {
    for (const [trustProxy, expected] of [
      [undefined, '127.0.0.1'],
      ['127.0.0.1/32', '203.0.113.9'],
    ] as const) {
      const server = await startTestServer({
        store: sqlite,
        config: trustProxy ? { trustProxy } : {},
      });
      try {
        const browser = new BrowserClient(server.url);
        await browser.get('/login', { 'x-forwarded-for': '203.0.113.9' });
        await browser.postForm(
          '/login',
          { log: 'admin', pwd: ADMIN_PASSWORD },
          { 'x-forwarded-for': '203.0.113.9' },
        );
        const page = await browser.get('/account');
        const sessions = page.text_.slice(
          page.text_.indexOf('id="sessions"'),
          page.text_.indexOf('id="activity"'),
        );
        expect(sessions).toContain(`<td data-label="IP">${expected}</td>`);
      } finally {
        await server.close();
      }
    }
  });
});
