/**
 * The server's life (issue 16): /readyz beside /healthz, a graceful shutdown that finishes the
 * requests in flight (and cuts them at its deadline), and the sweep shortly after start. On
 * both stores; with Redis on PostgreSQL when REDIS_URL is set (the multi-node configuration).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

/** A POST whose headers are sent and whose body is not finished: a request in flight. */
async function requestInFlight(server: TestServer) {
  const port = Number(new URL(server.url).port);
  const arrived = new Promise<void>((resolve) =>
    server.latchkey.app.server.once('request', () => resolve()),
  );
  const body = JSON.stringify({ title: 'in flight' });
  const req: ClientRequest = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/wp-json/wp/v2/posts',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
  });
  // Settled at once either way: a cut request is an outcome the tests assert, not a stray error.
  const outcome = response.then(
    (answer) => ({ cut: false as const, ...answer }),
    (error: Error) => ({ cut: true as const, error }),
  );
  req.write(body.slice(0, 5));
  await arrived;
  return { finish: () => req.end(body.slice(5)), outcome };
}

const redisUrl = process.env.REDIS_URL;
describe.skipIf(!redisUrl)(
  `/readyz and Redis, issue 16${redisUrl ? '' : ' (SKIPPED: REDIS_URL is not set)'}`,
  () => {
    it('is 503 while Redis does not answer, and ready again when it does', async () => {
      // The server reaches Redis through a relay the test can cut.
      const target = new URL(redisUrl!);
      const sockets = new Set<Socket>();
      let open = true;
      const relay = createServer((client) => {
        if (!open) return client.destroy();
        const upstream = connect(Number(target.port || 6379), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => {});
          s.on('close', () => sockets.delete(s));
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
      const port = (relay.address() as { port: number }).port;
      const server = await startTestServer({
        store: STORES[0]!,
        env: { REDIS_URL: `redis://127.0.0.1:${port}` },
      });
      try {
        expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
        open = false;
        for (const s of sockets) s.destroy();
        await vi.waitFor(
          async () => {
            const response = await fetch(`${server.url}/readyz`);
            expect(response.status).toBe(503);
            expect(await response.json()).toMatchObject({ store: 'ok', redis: 'unreachable' });
          },
          { timeout: 20_000, interval: 50 },
        );
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        open = true;
        await vi.waitFor(
          async () => expect((await fetch(`${server.url}/readyz`)).status).toBe(200),
          { timeout: 30_000, interval: 100 },
        );
      } finally {
        open = true;
        await server.close();
        await new Promise<void>((resolve) => relay.close(() => resolve()));
        for (const s of sockets) s.destroy();
      }
    });
  },
);

describe.each(STORES)('server lifecycle, issue 16 ($name)', (store) => {
  const withRedis = store.name === 'postgres' && process.env.REDIS_URL;
  const start = (extra: Parameters<typeof startTestServer>[0] = { store }) =>
    startTestServer({
      ...(withRedis ? { env: { REDIS_URL: process.env.REDIS_URL } } : {}),
      ...extra,
    });

  describe('/readyz', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await start();
    });
    afterAll(() => server?.close());

    it('answers 200 when the store is migrated and Redis (when configured) answers', async () => {
      const response = await fetch(`${server.url}/readyz`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({
        status: 'ready',
        store: 'ok',
        ...(withRedis ? { redis: 'ok' } : {}),
      });
    });
  });

  it('/readyz is 503 while the store is not at this build’s migrations; /healthz stays live', async () => {
    const server = await start();
    const future = `9999_${randomBytes(3).toString('hex')}`;
    try {
      await server.latchkey.store.db
        .insertInto('kysely_migration' as never)
        .values({ name: future, timestamp: new Date().toISOString() } as never)
        .execute();
      const response = await fetch(`${server.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'unavailable', store: 'newer' });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      await server.latchkey.store.db
        .deleteFrom('kysely_migration' as never)
        .where('name' as never, '=', future as never)
        .execute();
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('shutdown: not ready, no new connections, the request in flight finishes, then it closes', async () => {
    const server = await start();
    const inFlight = await requestInFlight(server);
    const closed = server.latchkey.close();
    let closedYet = false;
    void closed.then(() => (closedYet = true));
    expect(await server.latchkey.ctx.readiness()).toMatchObject({
      ready: false,
      checks: { shutdown: 'stopping' },
    });
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(closedYet).toBe(false);
    inFlight.finish();
    // Answered in full (no credentials: the REST 401), not cut.
    const answer = await inFlight.outcome;
    expect(answer).toMatchObject({ cut: false, status: 401 });
    expect(JSON.parse((answer as { body: string }).body).code).toBe('rest_cannot_create');
    await closed;
    await server.close();
  });

  it('shutdown: a request still in flight at the drain deadline is cut and the shutdown goes on', async () => {
    const server = await start();
    const inFlight = await requestInFlight(server);
    await server.latchkey.close({ drainTimeoutMs: 100 });
    expect(await inFlight.outcome).toMatchObject({ cut: true });
    await server.close();
  });

  it('the sweep runs shortly after start, not only after the first hour', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-sweep-'));
    const database = await store.create();
    const sameStore = {
      name: store.name,
      create: async () => ({ ...database, drop: async () => {} }),
    };
    try {
      const first = await start({ store: sameStore, dataDir });
      const now = first.clock.now;
      await first.latchkey.store.db
        .insertInto('sessions')
        .values({
          id: 'expired-session',
          token_hash: 'x'.repeat(64),
          user_id: 1,
          created: now - 2 * 86_400_000,
          expires: now - 86_400_000,
          last_seen: now - 86_400_000,
          ip: '127.0.0.1',
          user_agent: 'test',
          remember: 0,
          second_factor: null,
          authenticated_at: now - 2 * 86_400_000,
          pending_totp_secret: null,
          pending_totp_at: null,
        } as never)
        .execute();
      await first.close();
      const second = await start({ store: sameStore, dataDir, schedule: { firstSweepDelayMs: 0 } });
      try {
        await vi.waitFor(
          async () => {
            const left = await second.latchkey.store.db
              .selectFrom('sessions')
              .select('id')
              .where('id', '=', 'expired-session')
              .execute();
            expect(left).toEqual([]);
          },
          { timeout: 20_000, interval: 50 },
        );
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
