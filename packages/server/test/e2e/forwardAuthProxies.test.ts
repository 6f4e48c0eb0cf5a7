/**
 * Forward authentication through real proxies (SPEC §11): nginx with auth_request and Caddy
 * with forward_auth, started on free loopback ports with generated configurations (the ones
 * docs/forward-auth.md documents) in front of an upstream that echoes the headers it got.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/index.js';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { addTestService } from '../helpers/forwardAuth.js';
import {
  proxyMissing,
  proxySuiteTitle,
  shouldSkipProxy,
  startEchoUpstream,
  startProxy,
  viaProxy,
  type ProxyKind,
  type RunningProxy,
} from '../helpers/proxies.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const sqlite = STORES.find((s) => s.name === 'sqlite')!;

for (const kind of ['nginx', 'caddy'] as ProxyKind[]) {
  describe.skipIf(shouldSkipProxy(kind))(proxySuiteTitle(kind, 'forward authentication'), () => {
    if (proxyMissing(kind)) {
      it(`needs ${kind} (REQUIRE_PROXIES=1)`, () => {
        throw new Error(`${kind} is not installed: apt-get install ${kind}`);
      });
      return;
    }
    let server: TestServer;
    let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
    let proxy: RunningProxy;
    let alice: User;
    let sub: User;
    let alicePw: Awaited<ReturnType<typeof makeApplicationPassword>>;
    let adminAuth: string;
    const port = (s: TestServer) => Number(new URL(s.url).port);

    beforeAll(async () => {
      server = await startTestServer({ store: sqlite });
      alice = await server.createUser('alice', 'editor');
      sub = await server.createUser('sub', 'subscriber');
      alicePw = await makeApplicationPassword(server, alice.id, 'client');
      adminAuth = basic('admin', (await makeApplicationPassword(server, 1, 'admin')).password);
      await addTestService(server, {
        slug: 'api',
        name: 'Team API',
        hosts: ['api.localhost'],
        roles: ['administrator', 'editor'],
      });
      await addTestService(server, { slug: 'other', name: 'Other', hosts: ['other.localhost'] });
      upstream = await startEchoUpstream();
      proxy = await startProxy(kind, [port(server)], upstream.port);
    });
    afterAll(async () => {
      await proxy?.stop();
      await upstream?.close();
      await server?.close();
    });

    const get = (
      headers: Record<string, string> = {},
      host = 'api.localhost',
      path = '/v1/things?x=1',
    ) => viaProxy(proxy, host, path, headers);

    it('a valid application password reaches the upstream with the identity; forged headers do not', async () => {
      const r = await get({
        authorization: basic('alice', alicePw.chunked),
        'x-latchkey-user': 'mallory',
        'x-latchkey-role': 'administrator',
      });
      expect(r.status).toBe(200);
      const seen = JSON.parse(r.body);
      expect(seen.url).toBe('/v1/things?x=1');
      expect(seen.headers).toMatchObject({
        'x-latchkey-user': 'alice',
        'x-latchkey-user-id': String(alice.id),
        'x-latchkey-role': 'editor',
        'x-latchkey-credential': `app_password:${alicePw.uuid}`,
        'x-latchkey-service': 'api',
      });
    });

    it('no credential: 401 with WWW-Authenticate, and curl --anyauth then gets in', async () => {
      const r = await get({ 'x-latchkey-user': 'mallory' });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Basic realm="Team API", charset="UTF-8"');
      expect(r.body).not.toContain('mallory');
      // Asynchronously: Latchkey runs in this process and must answer while curl waits.
      const curl = await promisify(execFile)(
        'curl',
        [
          '-sSv',
          '--anyauth',
          '-u',
          `alice:${alicePw.password}`,
          '--resolve',
          `api.localhost:${proxy.port}:127.0.0.1`,
          '-w',
          '\n%{http_code}',
          `http://api.localhost:${proxy.port}/dav/`,
        ],
        { encoding: 'utf8' },
      );
      const lines = curl.stdout.trim().split('\n');
      expect(lines.at(-1), curl.stdout + curl.stderr).toBe('200');
      expect(JSON.parse(lines.slice(0, -1).join('\n')).headers['x-latchkey-user']).toBe('alice');
    });

    it('a wrong password: 401', async () => {
      const r = await get({ authorization: basic('alice', 'wrongwrongwrongwrongwron') });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toContain('Basic realm="Team API"');
    });

    it('a revoked password: 401 on the next request', async () => {
      const pw = await makeApplicationPassword(server, alice.id, 'revoked soon');
      const auth = { authorization: basic('alice', pw.password) };
      expect((await get(auth)).status).toBe(200);
      const revoke = await api(
        server,
        'DELETE',
        `/wp/v2/users/${alice.id}/application-passwords/${pw.uuid}`,
        { auth: adminAuth },
      );
      expect(revoke.status).toBe(200);
      expect((await get(auth)).status).toBe(401);
    });

    it('wrong role or a password limited to another service: 403; unknown host: 403', async () => {
      const subPw = await makeApplicationPassword(server, sub.id, 'sub');
      expect((await get({ authorization: basic('sub', subPw.password) })).status).toBe(403);
      const limited = await api(server, 'POST', `/wp/v2/users/${alice.id}/application-passwords`, {
        auth: adminAuth,
        body: { name: 'other only', services: ['other'] },
      });
      const auth = { authorization: basic('alice', limited.json.password) };
      expect((await get(auth)).status).toBe(403);
      expect((await get(auth, 'other.localhost')).status).toBe(200);
      expect((await get(auth, 'unknown.localhost')).status).toBe(403);
    });
  });
}
