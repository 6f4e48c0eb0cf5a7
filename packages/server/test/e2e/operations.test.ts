import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { codeNow, enableTotp, passwordStep, submitCode } from '../helpers/twoFactor.js';
import { STORES } from '../helpers/stores.js';

// The security answers of operations have files of their own: pageHeaders.security.test.ts,
// logRedaction.security.test.ts, trustedProxies.security.test.ts.

const sqlite = STORES[0]!;

describe('operations: health, metrics, assets, SPEC §1, §10', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store: sqlite,
      config: { metricsToken: 'metrics-secret-token' },
    });
  });
  afterAll(() => server?.close());

  it('/healthz reports the store', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', store: 'sqlite', rate_limits: 'memory' });
  });

  it('/metrics needs its bearer token', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status,
    ).toBe(401);
    const ok = await fetch(`${server.url}/metrics`, {
      headers: { authorization: 'Bearer metrics-secret-token' },
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('latchkey_http_request_duration_seconds');
  });

  it('/metrics tells: REST latency by route pattern, auth outcomes, cache, flush lag (issue 16)', async () => {
    const pw = await makeApplicationPassword(server, 1, 'metrics');
    const good = basic('admin', pw.password);
    for (let i = 0; i < 2; i++)
      expect((await api(server, 'GET', '/wp/v2/posts', { auth: good })).status).toBe(200);
    expect((await api(server, 'GET', '/wp/v2/posts/12345', { auth: good })).status).toBe(404);
    const wrong = basic('admin', 'abcd efgh ijkl mnop qrst uvwx');
    expect((await api(server, 'GET', '/wp/v2/posts', { auth: wrong })).status).toBe(401);
    const scrape = async () =>
      (
        await fetch(`${server.url}/metrics`, {
          headers: { authorization: 'Bearer metrics-secret-token' },
        })
      ).text();
    const text = await scrape();
    const value = (line: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${line} `))
          ?.split(' ')[1],
      );
    expect(
      value(
        'latchkey_http_request_duration_seconds_count{method="GET",route="/wp-json/wp/v2/posts",status="200"}',
      ),
    ).toBe(2);
    expect(text).toContain('route="/wp-json/wp/v2/posts/(?P<id>[\\\\d]+)",status="404"');
    expect(text).not.toContain('route="/wp-json/*"');
    expect(value('latchkey_auth_total{via="application_password",outcome="ok"}')).toBe(3);
    expect(value('latchkey_auth_total{via="application_password",outcome="wrong"}')).toBe(1);
    // The second and third uses were answered from the credential cache.
    expect(value('latchkey_credential_cache_total{event="hit"}')).toBeGreaterThanOrEqual(2);
    expect(value('latchkey_last_used_flush_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('latchkey_rate_limit_refusals_total');
    expect(text).toContain('latchkey_mail_failures_total');
  });

  it('/metrics counts second-factor answers and the limits that refused them (issue 16)', async () => {
    const user = await server.createUser('metrics2fa', 'author');
    const secret = await enableTotp(server, user);
    const browser = new BrowserClient(server.url);
    const { challenge } = await passwordStep(browser, 'metrics2fa', 'metrics2fa-Pass-1234');
    expect((await submitCode(browser, challenge, 'totp', '000000')).status).toBe(200);
    expect((await submitCode(browser, challenge, 'totp', codeNow(server, secret))).status).toBe(
      429,
    );
    server.clock.advance(2000);
    expect((await submitCode(browser, challenge, 'totp', codeNow(server, secret))).status).toBe(
      302,
    );
    const text = await (
      await fetch(`${server.url}/metrics`, {
        headers: { authorization: 'Bearer metrics-secret-token' },
      })
    ).text();
    for (const outcome of ['wrong', 'limited', 'ok'])
      expect(text).toContain(
        `latchkey_second_factor_total{provider="totp",outcome="${outcome}"} 1`,
      );
    expect(text).toContain('latchkey_rate_limit_refusals_total{limit="second_factor"} 1');
  });

  it('serves the WebAuthn browser module through its exported entry, and nothing beside it', async () => {
    const shim = await fetch(`${server.url}/assets/simplewebauthn-browser.js`);
    expect(shim.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await shim.text()).toContain("from '/assets/simplewebauthn/index.js'");
    const entry = await fetch(`${server.url}/assets/simplewebauthn/index.js`);
    expect(entry.status).toBe(200);
    expect(await entry.text()).toContain("export * from './methods/startAuthentication.js'");
    const imported = await fetch(
      `${server.url}/assets/simplewebauthn/methods/startAuthentication.js`,
    );
    expect(imported.status).toBe(200);
    for (const path of [
      '/assets/simplewebauthn/../package.json',
      '/assets/simplewebauthn/%2e%2e/package.json',
      '/assets/simplewebauthn/index.d.ts',
      '/assets/simplewebauthn/package.json',
    ]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
      await response.arrayBuffer();
    }
  });
});

describe('HTTPS with --tls-cert/--tls-key, SPEC §6.1, §10', () => {
  let dir: string;
  let server: TestServer;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'latchkey-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    server = await startTestServer({
      store: sqlite,
      config: { tlsCert: path.join(dir, 'cert.pem'), tlsKey: path.join(dir, 'key.pem') },
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (pathname: string) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>(
      (resolve, reject) => {
        const req = httpsRequest(
          `${server.url}${pathname}`,
          { rejectUnauthorized: false },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, headers: res.headers });
          },
        );
        req.on('error', reject);
        req.end();
      },
    );

  it('serves over TLS with HSTS and Secure cookies', async () => {
    expect(server.url.startsWith('https://')).toBe(true);
    const response = await get('/login');
    expect(response.status).toBe(200);
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(String(response.headers['set-cookie'])).toMatch(/latchkey_csrf=.*; Secure/);
  });
});
