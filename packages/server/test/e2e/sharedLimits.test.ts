import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserClient } from '../helpers/browserClient.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const redisUrl = process.env.REDIS_URL;
const title = redisUrl
  ? 'rate limits shared through Redis by two nodes, SPEC §7'
  : 'rate limits shared through Redis, SPEC §7 (SKIPPED: REDIS_URL is not set)';

describe.skipIf(!redisUrl)(title, () => {
  let a: TestServer;
  let b: TestServer;
  let dataDir: string;
  beforeAll(async () => {
    // Two nodes of one site: one store (the same SQLite file), one Redis, one key prefix.
    dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-nodes-'));
    const prefix = `shared-${randomBytes(4).toString('hex')}`;
    const store = STORES[0]!;
    a = await startTestServer({
      store,
      dataDir,
      env: { REDIS_URL: redisUrl },
      rateLimitPrefix: prefix,
    });
    b = await startTestServer({
      store,
      dataDir,
      env: { REDIS_URL: redisUrl },
      rateLimitPrefix: prefix,
    });
    await a.createUser('shared', 'author');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('uses the Redis store', async () => {
    expect(await (await fetch(`${a.url}/healthz`)).json()).toMatchObject({ rate_limits: 'redis' });
  });

  it('five failures on one node make the next try on the other node wait', async () => {
    const onA = new BrowserClient(a.url);
    await onA.get('/login');
    for (let i = 0; i < 5; i++)
      expect((await onA.postForm('/login', { log: 'shared', pwd: 'wrong' })).status).toBe(200);
    const onB = new BrowserClient(b.url);
    const blocked = await onB.signIn('shared', 'derahs-Pass-1234');
    expect(blocked.status).toBe(429);
  });
});
