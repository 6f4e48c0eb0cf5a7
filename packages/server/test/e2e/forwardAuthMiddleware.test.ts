/**
 * @latchkey/client's forward-auth helper (SPEC §11) for Node APIs without a proxy: a real
 * Fastify app with the hook, and Express- and Hono-shaped calls of the other adapters, against a
 * real Latchkey. (Express and Hono themselves are not dependencies of this repository.)
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createForwardAuthVerifier,
  decodeHeaderValue,
  expressForwardAuth,
  fastifyForwardAuth,
  honoForwardAuth,
  type LatchkeyIdentity,
} from '@latchkey/client';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { addTestService } from '../helpers/forwardAuth.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

describe('the Node forward-auth helper of @latchkey/client, SPEC §11', () => {
  let server: TestServer;
  let app: FastifyInstance;
  let appUrl: string;
  let pw: Awaited<ReturnType<typeof makeApplicationPassword>>;
  let userId: number;
  beforeAll(async () => {
    server = await startTestServer({ store: STORES[0]! });
    const user = await server.createUser('apiuser', 'author');
    userId = user.id;
    pw = await makeApplicationPassword(server, user.id, 'api');
    await addTestService(server, { slug: 'own-api', name: 'Own API', hosts: ['127.0.0.1'] });
    app = Fastify();
    app.addHook('onRequest', fastifyForwardAuth({ latchkeyUrl: server.url, cacheTtlMs: 0 }));
    app.get(
      '/whoami',
      async (request) => (request as unknown as { latchkey: LatchkeyIdentity }).latchkey,
    );
    appUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('Fastify: the identity on the request; Latchkey’s refusals relayed', async () => {
    const ok = await fetch(`${appUrl}/whoami`, {
      headers: { authorization: basic('apiuser', pw.password) },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      user: 'apiuser',
      userId,
      role: 'author',
      credential: `app_password:${pw.uuid}`,
      service: 'own-api',
    });
    const none = await fetch(`${appUrl}/whoami`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="Own API", charset="UTF-8"');
    const wrong = await fetch(`${appUrl}/whoami`, {
      headers: { authorization: basic('apiuser', 'wrongwrongwrongwrongwron') },
    });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).code).toBe('incorrect_password');
  });

  it('caches admissions for the TTL only, keyed by the credential', async () => {
    let clock = 0;
    let calls = 0;
    const verify = createForwardAuthVerifier({
      latchkeyUrl: server.url,
      cacheTtlMs: 1000,
      now: () => clock,
      fetch: (async (...args: Parameters<typeof fetch>) => {
        calls++;
        return fetch(...args);
      }) as typeof fetch,
    });
    const extra = await makeApplicationPassword(server, userId, 'cached');
    const input = {
      method: 'GET',
      url: 'http://127.0.0.1/x',
      authorization: basic('apiuser', extra.password),
    };
    expect((await verify(input)).ok).toBe(true);
    expect((await verify(input)).ok).toBe(true);
    expect(calls).toBe(1);
    await api(server, 'DELETE', `/wp/v2/users/${userId}/application-passwords/${extra.uuid}`, {
      auth: basic('apiuser', pw.password),
    });
    clock += 1001;
    expect((await verify(input)).ok).toBe(false);
    expect(calls).toBe(2);
    expect((await verify({ method: 'GET', url: 'http://127.0.0.1/x' })).ok).toBe(false);
  });

  it('Express- and Hono-shaped adapters', async () => {
    const express = expressForwardAuth({ latchkeyUrl: server.url });
    const req = {
      method: 'GET',
      url: '/x',
      headers: { host: '127.0.0.1:1234', authorization: basic('apiuser', pw.password) },
    } as Parameters<typeof express>[0];
    await new Promise<void>((resolve, reject) =>
      express(req, { status: reject, set: reject, send: reject }, (e) =>
        e ? reject(e) : resolve(),
      ),
    );
    expect(req.latchkey?.user).toBe('apiuser');
    const refused: { status?: number; headers?: Record<string, string> } = {};
    await new Promise<void>((resolve) =>
      express(
        { method: 'GET', url: '/x', headers: { host: '127.0.0.1' } },
        {
          status: (s: number) => (refused.status = s),
          set: (h: Record<string, string>) => (refused.headers = h),
          send: () => resolve(),
        },
        () => resolve(),
      ),
    );
    expect(refused.status).toBe(401);
    expect(refused.headers?.['www-authenticate']).toContain('Own API');

    const hono = honoForwardAuth({ latchkeyUrl: server.url });
    let seen: LatchkeyIdentity | undefined;
    const c = {
      req: {
        method: 'GET',
        url: 'http://127.0.0.1:9/x',
        header: (n: string) => (n === 'authorization' ? basic('apiuser', pw.password) : undefined),
      },
      set: (_k: 'latchkey', v: LatchkeyIdentity) => (seen = v),
      body: (b: string, s: number, h: Record<string, string>) =>
        new Response(b, { status: s, headers: h }),
    };
    let nextCalled = false;
    await hono(c, async () => {
      nextCalled = true;
    });
    expect(nextCalled).toBe(true);
    expect(seen?.service).toBe('own-api');
  });

  it('decodes RFC 8187 values', () => {
    expect(decodeHeaderValue("UTF-8''Zo%C3%AB")).toBe('Zoë');
    expect(decodeHeaderValue('plain')).toBe('plain');
  });
});
