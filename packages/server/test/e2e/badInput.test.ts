import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserClient } from '../helpers/browserClient.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

describe.each(STORES)('bad input never gets a 5xx ($name)', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, config: { bodyLimitBytes: '4096' } });
  });
  afterAll(() => server?.close());

  const send = (path: string, init: RequestInit) =>
    fetch(`${server.url}${path}`, { redirect: 'manual', ...init });

  it('invalid JSON on REST → 400 rest_invalid_json', async () => {
    const response = await send('/wp-json/wp/v2/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'rest_invalid_json',
      data: { status: 400 },
    });
  });

  it('oversize bodies → 413 with a code, on REST and on forms', async () => {
    const big = 'x'.repeat(10_000);
    const rest = await send('/wp-json/wp/v2/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: big }),
    });
    expect(rest.status).toBe(413);
    expect(((await rest.json()) as { code: string }).code).toBe('latchkey_body_too_large');
    const form = await send('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `log=${big}`,
    });
    expect(form.status).toBe(413);
    expect(await form.text()).toContain('larger than');
  });

  it('malformed and odd form bodies → 4xx, never 5xx', async () => {
    const browser = new BrowserClient(server.url);
    await browser.get('/login');
    const cases: Array<[string, Record<string, string>]> = [
      ['%%%&&&==', { 'content-type': 'application/x-www-form-urlencoded' }],
      ['log[]=a&log[]=b&pwd[x]=1', { 'content-type': 'application/x-www-form-urlencoded' }],
      [
        `_csrf=${browser.lastCsrf}&log=a&log=b&pwd=x&pwd=y`,
        { 'content-type': 'application/x-www-form-urlencoded' },
      ],
      ['<xml/>', { 'content-type': 'application/xml' }],
      ['plain', { 'content-type': 'text/plain' }],
      ['', {}],
    ];
    for (const [body, headers] of cases) {
      const response = await browser.request('/login', { method: 'POST', body, headers });
      expect(response.status, body).toBeGreaterThanOrEqual(400);
      expect(response.status, body).toBeLessThan(500);
      expect(response.text_).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });

  it('wrong types and odd values on REST → 400 rest_invalid_param', async () => {
    const admin = new BrowserClient(server.url);
    await admin.signIn('admin', ADMIN_PASSWORD);
    const nonce = await admin.restNonce();
    for (const body of [
      { username: ['a'], email: 'a@b.co', password: 'x-Pass-1234' },
      { username: 'ok', email: 5, password: {} },
    ]) {
      const response = await admin.request('/wp-json/wp/v2/users', {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce },
      });
      expect(response.status).toBe(400);
      expect(JSON.parse(response.text_).code).toBe('rest_invalid_param');
    }
    const arrayBody = await admin.request('/wp-json/wp/v2/users/me', {
      method: 'POST',
      body: '[1,2,3]',
      headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce },
    });
    expect(arrayBody.status).toBeLessThan(500);
    const nullId = await admin.request('/wp-json/wp/v2/users/99999999999999999999', {
      headers: { 'x-wp-nonce': nonce },
    });
    expect(nullId.status).toBe(404);
  });

  it('unknown pages → 404 HTML; unknown REST routes → 404 JSON; bad escapes do not crash', async () => {
    const page = await send('/no/such/page', {});
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const rest = await send('/wp-json/nope', {});
    expect(rest.status).toBe(404);
    expect(((await rest.json()) as { code: string }).code).toBe('rest_no_route');
    for (const path of [
      '/wp-json/%E0%A4%A',
      '/admin/users/%zz',
      '/?rest_route=%00',
      '/admin/users/abc',
    ]) {
      const response = await send(path, {});
      expect(response.status, path).toBeGreaterThanOrEqual(300);
      expect(response.status, path).toBeLessThan(500);
    }
  });

  it('never leaks internals in error pages', async () => {
    const response = await send('/account/sessions/x/end', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '_csrf=x',
    });
    expect(response.status).toBeLessThan(500);
    expect(await response.text()).not.toMatch(/node_modules|\.[tj]s:\d|\bat \w+ \(/);
  });
});
