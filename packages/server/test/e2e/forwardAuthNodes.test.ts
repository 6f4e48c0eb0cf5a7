/**
 * Two Latchkey nodes on one PostgreSQL database and one Redis, both behind real nginx (round
 * robin): a password revoked through one node is refused through the proxy, whichever node
 * answers, at the very next request (SPEC §11: the cache is emptied on every node before the
 * revocation's response).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { addTestService, traefik, verify } from '../helpers/forwardAuth.js';
import {
  proxyMissing,
  startEchoUpstream,
  startProxy,
  viaProxy,
  type RunningProxy,
} from '../helpers/proxies.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES, type StoreUnderTest } from '../helpers/stores.js';

const postgres = STORES.find((s) => s.name === 'postgres');
const redisUrl = process.env.REDIS_URL;
const missing = [
  !postgres && 'DATABASE_URL is not set',
  !redisUrl && 'REDIS_URL is not set',
  proxyMissing('nginx') && 'nginx is not installed',
].filter(Boolean);
const title = `forward authentication on two nodes (PostgreSQL + Redis) behind nginx, SPEC §11${missing.length ? ` (SKIPPED: ${missing.join(', ')})` : ''}`;

describe.skipIf(missing.length > 0)(title, () => {
  let a: TestServer;
  let b: TestServer;
  let proxy: RunningProxy;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let drop: () => Promise<void>;
  const port = (s: TestServer) => Number(new URL(s.url).port);

  beforeAll(async () => {
    const database = await postgres!.create();
    drop = database.drop;
    const shared: StoreUnderTest = {
      name: 'postgres',
      create: async () => ({ databaseUrl: database.databaseUrl, drop: async () => {} }),
    };
    const prefix = `fwd-${randomBytes(4).toString('hex')}`;
    const node = () =>
      startTestServer({ store: shared, env: { REDIS_URL: redisUrl }, rateLimitPrefix: prefix });
    a = await node();
    b = await node();
    await addTestService(a, { slug: 'api', name: 'API', hosts: ['api.localhost'] });
    upstream = await startEchoUpstream();
    proxy = await startProxy('nginx', [port(a), port(b)], upstream.port);
  });
  afterAll(async () => {
    await proxy?.stop();
    await upstream?.close();
    await a?.close();
    await b?.close();
    await drop?.();
  });

  it('announces through Redis on both nodes', () => {
    expect(a.latchkey.ctx.invalidation.transport).toBe('redis');
    expect(b.latchkey.ctx.invalidation.transport).toBe('redis');
  });

  it('revoked through node A: refused through the proxy and by node B at once', async () => {
    const user = await a.createUser('nodeuser', 'author');
    const pw = await makeApplicationPassword(a, user.id, 'two nodes');
    const auth = { authorization: basic('nodeuser', pw.password) };
    // Warm both nodes' caches (nginx alternates between them), and B directly.
    for (let i = 0; i < 4; i++)
      expect((await viaProxy(proxy, 'api.localhost', '/', auth)).status).toBe(200);
    expect((await verify(b, { ...traefik('api.localhost'), ...auth })).status).toBe(200);

    const adminAuth = basic('admin', (await makeApplicationPassword(a, 1, 'admin')).password);
    const revoke = await api(
      a,
      'DELETE',
      `/wp/v2/users/${user.id}/application-passwords/${pw.uuid}`,
      {
        auth: adminAuth,
      },
    );
    expect(revoke.status).toBe(200);
    expect((await verify(b, { ...traefik('api.localhost'), ...auth })).status).toBe(401);
    for (let i = 0; i < 4; i++)
      expect((await viaProxy(proxy, 'api.localhost', '/', auth)).status).toBe(401);
  });

  it('a service removed through node A is unknown to node B at once', async () => {
    const pw = await makeApplicationPassword(a, 1, 'svc');
    const adminAuth = basic('admin', pw.password);
    await addTestService(a, { slug: 'gone', name: 'Gone', hosts: ['gone.localhost'] });
    const headers = { ...traefik('gone.localhost'), authorization: adminAuth };
    expect((await verify(b, headers)).status).toBe(200);
    expect((await api(a, 'DELETE', '/latchkey/v1/services/gone', { auth: adminAuth })).status).toBe(
      200,
    );
    expect((await verify(b, headers)).status).toBe(403);
  });
});
