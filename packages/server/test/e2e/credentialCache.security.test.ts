import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserById, setUserDisabled } from '../../src/accounts/index.js';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { runCli } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES, type StoreUnderTest } from '../helpers/stores.js';

/**
 * SPEC §11 "Cost" and issue 12: a verified application password is answered from memory, and
 * every change that must refuse it empties the cache on every node before the change's
 * response. Each test warms the cache first (and checks that the warm request read nothing),
 * so it fails if the change did not reach the cache.
 */

async function warm(server: TestServer, auth: string): Promise<void> {
  expect((await api(server, 'GET', '/wp/v2/users/me', { auth })).status).toBe(200);
  const before = server.latchkey.store.statementCount();
  expect((await api(server, 'GET', '/wp/v2/users/me', { auth })).status).toBe(200);
  expect(server.latchkey.store.statementCount() - before).toBe(0);
}

const status = async (server: TestServer, auth: string) =>
  (await api(server, 'GET', '/wp/v2/users/me', { auth })).status;

describe.each(STORES)('the verified-credential cache on one node ($name)', (store) => {
  let server: TestServer;
  let adminAuth: string;
  beforeAll(async () => {
    server = await startTestServer({ store });
    adminAuth = basic('admin', (await makeApplicationPassword(server, 1, 'admin')).password);
  });
  afterAll(() => server?.close());

  it('a warm credential reads and writes nothing; a cold one is one read, whatever the count of passwords', async () => {
    const few = await server.createUser('fewpw', 'author');
    const many = await server.createUser('manypw', 'author');
    const one = await makeApplicationPassword(server, few.id, 'only');
    let last = one;
    for (let i = 0; i < 200; i++) last = await makeApplicationPassword(server, many.id, `pw ${i}`);
    const cold = async (login: string, password: string) => {
      server.latchkey.ctx.credentialCache.forget();
      const before = server.latchkey.store.statementCount();
      expect(await status(server, basic(login, password))).toBe(200);
      return server.latchkey.store.statementCount() - before;
    };
    await cold('fewpw', one.password); // the settings, read at most once every few seconds
    // The credential itself: one indexed read, with 1 password or 200.
    expect(await cold('fewpw', one.password)).toBe(1);
    expect(await cold('manypw', last.password)).toBe(1);
    await warm(server, basic('manypw', last.password));
    await warm(server, basic('fewpw', one.password));
  });

  it('a wrong password is never cached: each one is looked up and counted', async () => {
    const user = await server.createUser('wrongpw', 'author');
    const good = await makeApplicationPassword(server, user.id, 'good');
    await warm(server, basic('wrongpw', good.password));
    const wrong = basic(
      'wrongpw',
      good.password.slice(0, -1) + (good.password.endsWith('A') ? 'B' : 'A'),
    );
    for (let i = 0; i < 2; i++) {
      const before = server.latchkey.store.statementCount();
      expect(await status(server, wrong)).toBe(401);
      expect(server.latchkey.store.statementCount() - before).toBeGreaterThan(0);
    }
  });

  it('revoking one password over REST refuses it at the very next request', async () => {
    const user = await server.createUser('revokeone', 'author');
    const pw = await makeApplicationPassword(server, user.id, 'soon gone');
    const auth = basic('revokeone', pw.password);
    await warm(server, auth);
    const revoked = await api(
      server,
      'DELETE',
      `/wp/v2/users/${user.id}/application-passwords/${pw.uuid}`,
      { auth },
    );
    expect(revoked.status).toBe(200);
    expect(await status(server, auth)).toBe(401);
  });

  it('revoke-all, an app_id block and disabling the user each refuse a cached password at once', async () => {
    const user = await server.createUser('manychanges', 'author');
    const appId = '2b8c8f0e-5d7a-4e21-9c3b-7a1d2e3f4a5b';
    const a = await makeApplicationPassword(server, user.id, 'blocked app', { appId });
    const b = await makeApplicationPassword(server, user.id, 'b');
    const c = await makeApplicationPassword(server, user.id, 'c');

    await warm(server, basic('manychanges', a.password));
    const block = await api(server, 'POST', '/latchkey/v1/application-password-blocks', {
      auth: adminAuth,
      body: { app_id: appId },
    });
    expect(block.status).toBe(201);
    expect(await status(server, basic('manychanges', a.password))).toBe(401);

    await warm(server, basic('manychanges', b.password));
    const all = await api(server, 'DELETE', `/wp/v2/users/${user.id}/application-passwords`, {
      auth: adminAuth,
    });
    expect(all.status).toBe(200);
    expect(await status(server, basic('manychanges', b.password))).toBe(401);

    const d = await makeApplicationPassword(server, user.id, 'd');
    await warm(server, basic('manychanges', d.password));
    // Straight through the store, as a command or another code path would: still seen.
    await setUserDisabled(
      server.latchkey.store.db,
      (await findUserById(server.latchkey.store.db, user.id))!,
      true,
    );
    expect(await status(server, basic('manychanges', d.password))).toBe(401);
    void c;
  });

  it('a role change takes effect at the next request (the cached principal is not reused)', async () => {
    const user = await server.createUser('demoted', 'editor');
    const pw = await makeApplicationPassword(server, user.id, 'editor tools');
    const auth = basic('demoted', pw.password);
    await warm(server, auth);
    const edit = async () =>
      (await api(server, 'GET', '/wp/v2/users/me?context=edit', { auth })).json.roles;
    expect(await edit()).toEqual(['editor']);
    const changed = await api(server, 'POST', `/wp/v2/users/${user.id}`, {
      auth: adminAuth,
      body: { roles: ['subscriber'] },
    });
    expect(changed.status).toBe(200);
    expect(await edit()).toEqual(['subscriber']);
  });

  it('the site switch and the per-role switch refuse a cached password at once', async () => {
    const user = await server.createUser('switched', 'contributor');
    const pw = await makeApplicationPassword(server, user.id, 'switch');
    const auth = basic('switched', pw.password);
    const set = (body: Record<string, unknown>) =>
      api(server, 'POST', '/wp/v2/settings', { auth: adminAuth, body });

    await warm(server, auth);
    expect(
      (await set({ latchkey_application_passwords_disabled_roles: ['contributor'] })).status,
    ).toBe(200);
    expect(await status(server, auth)).toBe(501);
    expect((await set({ latchkey_application_passwords_disabled_roles: [] })).status).toBe(200);
    expect(await status(server, auth)).toBe(200);
  });

  it('an entry never outlives the password: expiry is judged on a cached credential too', async () => {
    const user = await server.createUser('expiring', 'author');
    const pw = await makeApplicationPassword(server, user.id, 'short', {
      expires: server.clock.now + 2000,
    });
    const auth = basic('expiring', pw.password);
    await warm(server, auth);
    server.clock.advance(2001);
    const after = await api(server, 'GET', '/wp/v2/users/me', { auth });
    expect(after.status).toBe(401);
    expect(after.json.data.reason).toBe('expired');
  });

  it('entries lapse on their own after a few seconds', async () => {
    const user = await server.createUser('lapsing', 'author');
    const pw = await makeApplicationPassword(server, user.id, 'lapse');
    const auth = basic('lapsing', pw.password);
    await warm(server, auth);
    server.clock.advance(5001);
    const before = server.latchkey.store.statementCount();
    expect(await status(server, auth)).toBe(200);
    expect(server.latchkey.store.statementCount() - before).toBeGreaterThan(0);
  });
});

describe('the cache and the command line on one embedded store', () => {
  let server: TestServer;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-cache-cli-'));
    server = await startTestServer({ store: STORES[0]!, dataDir });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('`latchkey app-password revoke` and `user disable` reach the running server in moments', async () => {
    const user = await server.createUser('clirevoked', 'author');
    const pw = await makeApplicationPassword(server, user.id, 'cli');
    const auth = basic('clirevoked', pw.password);
    // The server's clock stands still in tests: a cached entry would never lapse on its own, so
    // a refusal here can only come from the command's announcement.
    const refusedSoon = async () => {
      for (let i = 0; i < 40; i++) {
        if ((await status(server, auth)) === 401) return true;
        await new Promise((r) => setTimeout(r, 25));
      }
      return false;
    };
    await warm(server, auth);
    const revoked = runCli([
      'app-password',
      'revoke',
      'clirevoked',
      pw.uuid,
      '--data-dir',
      dataDir,
    ]);
    expect(revoked.status).toBe(0);
    expect(await refusedSoon()).toBe(true);

    const other = await makeApplicationPassword(server, user.id, 'cli 2');
    const otherAuth = basic('clirevoked', other.password);
    await warm(server, otherAuth);
    expect(runCli(['user', 'disable', 'clirevoked', '--data-dir', dataDir]).status).toBe(0);
    for (let i = 0; i < 40 && (await status(server, otherAuth)) !== 401; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(await status(server, otherAuth)).toBe(401);
  });
});

/**
 * Two nodes of one site. With Redis configured they share it for the announcements (SQLite file
 * shared here, as one store); on PostgreSQL without Redis, LISTEN/NOTIFY carries them.
 */
function twoNodeSuite(
  title: string,
  setup: () => Promise<{ a: TestServer; b: TestServer; cleanup(): Promise<void> }>,
  transport: 'redis' | 'postgres',
  skip: boolean,
) {
  describe.skipIf(skip)(title, () => {
    let a: TestServer;
    let b: TestServer;
    let cleanup: () => Promise<void>;
    let adminAuth: string;
    beforeAll(async () => {
      ({ a, b, cleanup } = await setup());
      adminAuth = basic('admin', (await makeApplicationPassword(a, 1, 'admin')).password);
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await cleanup?.();
    });

    it(`announces through ${transport}`, () => {
      expect(a.latchkey.ctx.invalidation.transport).toBe(transport);
      expect(b.latchkey.ctx.invalidation.transport).toBe(transport);
    });

    it('revoked on A, refused on B at the very next request', async () => {
      const user = await a.createUser(`nodes${randomBytes(3).toString('hex')}`, 'author');
      const pw = await makeApplicationPassword(a, user.id, 'two nodes');
      const auth = basic(user.login, pw.password);
      await warm(b, auth);
      await warm(a, auth);
      const revoked = await api(
        a,
        'DELETE',
        `/wp/v2/users/${user.id}/application-passwords/${pw.uuid}`,
        { auth: adminAuth },
      );
      expect(revoked.status).toBe(200);
      expect(await status(b, auth)).toBe(401);
      expect(await status(a, auth)).toBe(401);
    });

    it('an app_id block, a disabled user and the site switch on A refuse on B at once', async () => {
      const appId = 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f';
      const user = await a.createUser(`multi${randomBytes(3).toString('hex')}`, 'author');
      const blocked = await makeApplicationPassword(a, user.id, 'app', { appId });
      await warm(b, basic(user.login, blocked.password));
      expect(
        (
          await api(a, 'POST', '/latchkey/v1/application-password-blocks', {
            auth: adminAuth,
            body: { app_id: appId },
          })
        ).status,
      ).toBe(201);
      expect(await status(b, basic(user.login, blocked.password))).toBe(401);

      const other = await makeApplicationPassword(a, user.id, 'other');
      const otherAuth = basic(user.login, other.password);
      await warm(b, otherAuth);
      expect(
        (
          await api(a, 'POST', '/wp/v2/settings', {
            auth: adminAuth,
            body: { latchkey_application_passwords: false },
          })
        ).status,
      ).toBe(200);
      // Switched off: Basic credentials are not looked at any more (anonymous, as WordPress).
      expect(await status(b, otherAuth)).toBe(401);
      // Back on (no application password can do that now): straight through A's store handle.
      await a.latchkey.store.db
        .updateTable('settings')
        .set({ value: 'true' })
        .where('name', '=', 'applicationPasswordsEnabled')
        .execute();
      expect(await status(b, otherAuth)).toBe(200);

      await warm(b, otherAuth);
      await setUserDisabled(
        a.latchkey.store.db,
        (await findUserById(a.latchkey.store.db, user.id))!,
        true,
      );
      expect(await status(b, otherAuth)).toBe(401);
    });
  });
}

const redisUrl = process.env.REDIS_URL;
twoNodeSuite(
  redisUrl
    ? 'the cache on two nodes sharing Redis, SPEC §11'
    : 'the cache on two nodes sharing Redis, SPEC §11 (SKIPPED: REDIS_URL is not set)',
  async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-cache-nodes-'));
    const prefix = `cache-${randomBytes(4).toString('hex')}`;
    const node = () =>
      startTestServer({
        store: STORES[0]!,
        dataDir,
        env: { REDIS_URL: redisUrl },
        rateLimitPrefix: prefix,
      });
    const a = await node();
    const b = await node();
    return { a, b, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  },
  'redis',
  !redisUrl,
);

const postgres = STORES.find((s) => s.name === 'postgres');
twoNodeSuite(
  postgres
    ? 'the cache on two nodes sharing PostgreSQL without Redis (LISTEN/NOTIFY), SPEC §11'
    : 'the cache on two nodes sharing PostgreSQL (SKIPPED: DATABASE_URL is not set)',
  async () => {
    const database = await postgres!.create();
    // Both nodes on the one database: a store that hands out the same URL twice.
    const shared: StoreUnderTest = {
      name: 'postgres',
      create: async () => ({ databaseUrl: database.databaseUrl, drop: async () => {} }),
    };
    const a = await startTestServer({ store: shared });
    const b = await startTestServer({ store: shared });
    return { a, b, cleanup: () => database.drop() };
  },
  'postgres',
  !postgres,
);
