/**
 * **[ours]** The code flow of the hand-off: `response_type=code` appends a one-time code instead
 * of the password, and `POST latchkey/v1/authorize/token` exchanges it. Single use, 60 s, bound
 * to the app_id and success_url, PKCE S256; stable error codes. Both stores.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockAppId, deleteApplicationPasswordsOfApp } from '../../src/app-passwords/index.js';
import { api, basic } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const APP_ID = '3f0c9d52-8a3b-5e1f-9c7d-2b4a6e8f0a1c';
const SUCCESS_URL = 'https://app.example.com/connected?state=xyz';

const pkcePair = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

describe.each(STORES)('authorize code exchange, SPEC §4 ($name)', (store) => {
  let server: TestServer;
  let browser: BrowserClient;
  let userId: number;
  beforeAll(async () => {
    server = await startTestServer({ store });
    userId = (await server.createUser('coder', 'author')).id;
    browser = new BrowserClient(server.url);
    await browser.signIn('coder', 'redoc-Pass-1234');
  });
  afterAll(() => server?.close());

  /** Approves a code request on the screen; returns what came back on the success_url. */
  async function approveForCode(
    options: { appId?: string; successUrl?: string; challenge?: string } = {},
  ) {
    const params: Record<string, string> = {
      app_name: 'Code app',
      app_id: options.appId ?? APP_ID,
      success_url: options.successUrl ?? SUCCESS_URL,
      response_type: 'code',
      ...(options.challenge ? { code_challenge: options.challenge } : {}),
    };
    const screen = await browser.get(`/authorize-application?${new URLSearchParams(params)}`);
    expect(screen.status).toBe(200);
    expect(screen.text_).toContain('&amp;code=[one-time code]</code>');
    const response = await browser.postForm('/authorize-application', {
      ...params,
      requested_scope: '',
      scope: 'full',
      code_challenge: options.challenge ?? '',
      approve: 'Yes',
    });
    expect(response.status).toBe(302);
    const location = response.headers.get('location')!;
    expect(location.startsWith(`${params.success_url}&site_url=`)).toBe(true);
    const back = new URL(location);
    expect(back.searchParams.has('password')).toBe(false);
    expect(back.searchParams.get('user_login')).toBe('coder');
    expect(back.searchParams.get('site_url')).toBe(server.url);
    const code = back.searchParams.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    return { code, location };
  }

  /** The exchange as an app sends it: form-encoded (no CORS preflight from a browser). */
  async function exchange(fields: Record<string, string>) {
    const response = await fetch(`${server.url}/wp-json/latchkey/v1/authorize/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return {
      status: response.status,
      headers: response.headers,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert the shape
      json: (await response.json()) as any,
    };
  }

  it('exchanges a code with its PKCE verifier for working credentials, once', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await approveForCode({ challenge });
    const fields = { code, code_verifier: verifier, app_id: APP_ID, success_url: SUCCESS_URL };
    const first = await exchange(fields);
    expect(first.status).toBe(200);
    expect(Object.keys(first.json)).toEqual(['site_url', 'user_login', 'password']);
    expect(first.json).toMatchObject({ site_url: server.url, user_login: 'coder' });
    expect(first.json.password).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const me = await api(server, 'GET', '/wp/v2/users/me', {
      auth: basic('coder', first.json.password),
    });
    expect(me.status).toBe(200);
    const introspect = await api(
      server,
      'GET',
      '/wp/v2/users/me/application-passwords/introspect',
      {
        auth: basic('coder', first.json.password),
      },
    );
    expect(introspect.json).toMatchObject({ name: 'Code app', app_id: APP_ID });

    const again = await exchange(fields);
    expect(again.status).toBe(400);
    expect(again.json).toEqual({
      code: 'latchkey_invalid_code',
      message: 'The code is not valid.',
      data: { status: 400 },
    });
  });

  it('works without PKCE too, and over JSON', async () => {
    const { code } = await approveForCode();
    const response = await api(server, 'POST', '/latchkey/v1/authorize/token', {
      body: { code, app_id: APP_ID, success_url: SUCCESS_URL },
    });
    expect(response.status).toBe(200);
    expect(response.json.user_login).toBe('coder');
  });

  it('a code expires after 60 seconds', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await approveForCode({ challenge });
    server.clock.advance(61_000);
    const late = await exchange({
      code,
      code_verifier: verifier,
      app_id: APP_ID,
      success_url: SUCCESS_URL,
    });
    expect(late.status).toBe(400);
    expect(late.json.code).toBe('latchkey_code_expired');
  });

  it('refuses a wrong verifier, a missing one, and a verifier where no challenge was made; each attempt burns the code', async () => {
    const { challenge } = pkcePair();
    const wrong = await approveForCode({ challenge });
    const bad = await exchange({
      code: wrong.code,
      code_verifier: pkcePair().verifier,
      app_id: APP_ID,
      success_url: SUCCESS_URL,
    });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('latchkey_pkce_mismatch');

    const missing = await approveForCode({ challenge });
    const none = await exchange({ code: missing.code, app_id: APP_ID, success_url: SUCCESS_URL });
    expect(none.json.code).toBe('latchkey_pkce_mismatch');

    const plain = await approveForCode();
    const unexpected = await exchange({
      code: plain.code,
      code_verifier: pkcePair().verifier,
      app_id: APP_ID,
      success_url: SUCCESS_URL,
    });
    expect(unexpected.json.code).toBe('latchkey_pkce_mismatch');
    // Burnt: even the right exchange fails now.
    const retry = await exchange({ code: plain.code, app_id: APP_ID, success_url: SUCCESS_URL });
    expect(retry.json.code).toBe('latchkey_invalid_code');
  });

  it('is bound to the app_id and the success_url', async () => {
    const other = 'b1e2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
    const { verifier, challenge } = pkcePair();
    const first = await approveForCode({ challenge });
    const wrongApp = await exchange({
      code: first.code,
      code_verifier: verifier,
      app_id: other,
      success_url: SUCCESS_URL,
    });
    expect(wrongApp.status).toBe(400);
    expect(wrongApp.json.code).toBe('latchkey_wrong_app');

    const second = await approveForCode({ challenge });
    const noApp = await exchange({
      code: second.code,
      code_verifier: verifier,
      success_url: SUCCESS_URL,
    });
    expect(noApp.json.code).toBe('latchkey_wrong_app');

    const third = await approveForCode({ challenge });
    const wrongUrl = await exchange({
      code: third.code,
      code_verifier: verifier,
      app_id: APP_ID,
      success_url: 'https://evil.example/connected?state=xyz',
    });
    expect(wrongUrl.json.code).toBe('latchkey_wrong_success_url');
  });

  it('refuses unknown and malformed codes, and a missing one', async () => {
    const unknown = await exchange({ code: randomBytes(32).toString('base64url') });
    expect(unknown.json.code).toBe('latchkey_invalid_code');
    const malformed = await exchange({ code: "'; DROP TABLE authorize_codes; --" });
    expect(malformed.json.code).toBe('latchkey_invalid_code');
    const missing = await exchange({});
    expect(missing.status).toBe(400);
    expect(missing.json.code).toBe('rest_missing_callback_param');
  });

  it('gives nothing when the password was revoked, or the app blocked, in the meantime', async () => {
    const revokedApp = 'c0ffee00-1234-4abc-8def-0123456789ab';
    const { code } = await approveForCode({ appId: revokedApp });
    const deleted = await deleteApplicationPasswordsOfApp(
      server.latchkey.store.db,
      userId,
      revokedApp,
    );
    expect(deleted).toBe(1);
    const after = await exchange({ code, app_id: revokedApp, success_url: SUCCESS_URL });
    expect(after.json.code).toBe('latchkey_invalid_code');

    const blockedApp = 'c0ffee00-1234-4abc-8def-0123456789ac';
    const pending = await approveForCode({ appId: blockedApp });
    await blockAppId(server.latchkey.store.db, blockedApp, 1, 'test', server.clock.now);
    const blocked = await exchange({
      code: pending.code,
      app_id: blockedApp,
      success_url: SUCCESS_URL,
    });
    expect(blocked.status).toBe(403);
    expect(blocked.json.code).toBe('latchkey_app_blocked');
  });

  it('is advertised in the latchkey/v1 namespace and answers CORS like the rest of the API', async () => {
    const response = await fetch(`${server.url}/wp-json/latchkey/v1/authorize/token`, {
      method: 'POST',
      headers: {
        origin: 'https://app.example.com',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'code=x',
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const index = await api(server, 'GET', '/latchkey/v1');
    expect(Object.keys(index.json.routes)).toContain('/latchkey/v1/authorize/token');
  });
});
