import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserClient } from '../helpers/browserClient.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const sqlite = STORES[0]!;

describe('operations: health, metrics, headers, logs', () => {
  let server: TestServer;
  const logLines: string[] = [];
  beforeAll(async () => {
    server = await startTestServer({
      store: sqlite,
      config: { metricsToken: 'metrics-secret-token', logLevel: 'info' },
      logDestination: { write: (line) => void logLines.push(line) },
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

describe('client address behind proxies', () => {
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
        expect(sessions).toContain(`<td>${expected}</td>`);
      } finally {
        await server.close();
      }
    }
  });
});

describe('HTTPS with --tls-cert/--tls-key', () => {
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
