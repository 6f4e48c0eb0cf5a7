import { createHmac } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserDisabled } from '../../src/accounts/index.js';
import { importApplicationPassword, LastUsedTracker } from '../../src/app-passwords/index.js';
import { writeSettings } from '../../src/settings/index.js';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const INCORRECT = {
  code: 'incorrect_password',
  message: 'The provided password is an invalid application password.',
  data: { status: 401 },
};

const SUITE = 'application passwords on the hot path, SPEC §2, §3.1, §3.2, §3.4, §5, §7 ($name)';

describe.each(STORES)(SUITE, (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());
  const db = () => server.latchkey.store.db;

  it('writes nothing to the store per request: last used arrives with the flush, keeping the newest', async () => {
    const user = await server.createUser('quietuser', 'author');
    const pw = await makeApplicationPassword(server, user.id, 'quiet');
    for (let i = 0; i < 3; i++)
      expect(
        (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('quietuser', pw.password) }))
          .status,
      ).toBe(200);
    const before = await db()
      .selectFrom('application_passwords')
      .select(['last_used', 'last_ip'])
      .where('uuid', '=', pw.uuid)
      .executeTakeFirstOrThrow();
    expect(before).toEqual({ last_used: null, last_ip: null });
    const eventsBefore = await db()
      .selectFrom('audit_events')
      .select('id')
      .where('credential', '=', `app_password:${pw.uuid}`)
      .execute();
    expect(eventsBefore).toHaveLength(0);
    // The list already shows the use (this node's memory), before any write.
    const listed = await api(server, 'GET', '/wp/v2/users/me/application-passwords', {
      auth: basic('quietuser', pw.password),
    });
    expect(listed.json[0].last_ip).toBe('127.0.0.1');

    await server.latchkey.flush();
    const after = await db()
      .selectFrom('application_passwords')
      .select(['last_used', 'last_ip'])
      .where('uuid', '=', pw.uuid)
      .executeTakeFirstOrThrow();
    expect(after.last_used).toBe(server.clock.now);
    expect(after.last_ip).toBe('127.0.0.1');
    const newIp = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('credential', '=', `app_password:${pw.uuid}`)
      .execute();
    expect(newIp.map((e) => e.event)).toEqual(['app_password.new_ip']);

    // Another node flushing an older use never moves last_used backwards (max() merge).
    const otherNode = new LastUsedTracker();
    otherNode.record(pw.uuid, server.clock.now - 60_000, '192.0.2.50');
    await otherNode.flush(db());
    const merged = await db()
      .selectFrom('application_passwords')
      .select(['last_used', 'last_ip'])
      .where('uuid', '=', pw.uuid)
      .executeTakeFirstOrThrow();
    expect(merged).toEqual({ last_used: server.clock.now, last_ip: '127.0.0.1' });
  });

  it('a disabled user’s passwords stop at once, with the same 401', async () => {
    const user = await server.createUser('soon-gone', 'editor');
    const pw = await makeApplicationPassword(server, user.id);
    expect(
      (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('soon-gone', pw.password) }))
        .status,
    ).toBe(200);
    await setUserDisabled(db(), user, true);
    const response = await api(server, 'GET', '/wp/v2/users/me', {
      auth: basic('soon-gone', pw.password),
    });
    expect(response.status).toBe(401);
    expect(response.json).toEqual(INCORRECT);
  });

  it('an expired password fails like a revoked one, with data.reason "expired"', async () => {
    const user = await server.createUser('expiring', 'author');
    const pw = await makeApplicationPassword(server, user.id, 'short-lived', {
      expires: server.clock.now + 60_000,
    });
    expect(
      (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('expiring', pw.password) }))
        .status,
    ).toBe(200);
    server.clock.advance(61_000);
    const response = await api(server, 'GET', '/wp/v2/users/me', {
      auth: basic('expiring', pw.password),
    });
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ ...INCORRECT, data: { status: 401, reason: 'expired' } });
  });

  it('Basic wins over a session cookie, with or without the nonce', async () => {
    const user = await server.createUser('apponly', 'subscriber');
    const pw = await makeApplicationPassword(server, user.id);
    const browser = new BrowserClient(server.url);
    await browser.signIn('admin', ADMIN_PASSWORD);
    const nonce = await browser.restNonce();
    for (const headers of <Array<Record<string, string>>>[
      { authorization: basic('apponly', pw.password) },
      { authorization: basic('apponly', pw.password), 'x-wp-nonce': nonce },
    ]) {
      const me = await browser.get('/wp-json/wp/v2/users/me?_fields=id', headers);
      expect(JSON.parse(me.text_)).toEqual({ id: user.id });
      expect(me.headers.get('x-wp-nonce')).toBeNull();
    }
    // …and a wrong Basic credential is an error even with a valid cookie and nonce.
    const wrong = await browser.get('/wp-json/wp/v2/users/me', {
      authorization: basic('admin', 'nope'),
      'x-wp-nonce': nonce,
    });
    expect(wrong.status).toBe(401);
  });

  it('an application password typed into the sign-in form fails like a wrong password', async () => {
    const user = await server.createUser('formuser', 'author');
    const pw = await makeApplicationPassword(server, user.id);
    const browser = new BrowserClient(server.url);
    const response = await browser.signIn('formuser', pw.password);
    expect(response.status).toBe(200);
    expect(response.text_).toContain('Unknown username or email, or wrong password.');
    expect(browser.cookies.has('latchkey_session')).toBe(false);
  });

  it('verifies imported WordPress hashes ($P$, $wp$2y$, bcrypt) and re-hashes them to $generic$', async () => {
    const user = await server.createUser('imported', 'author');
    const secret = 'oxVtWiWjGEkv5z5RDa0aZInR';
    const wpBcrypt =
      '$wp' +
      bcrypt
        .hashSync(createHmac('sha384', 'wp-sha384').update(secret).digest('base64'), 4)
        .replace(/^\$2b\$/, '$2y$');
    const legacy: Array<[string, string, string]> = [
      ['11111111-1111-4111-8111-111111111111', '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0', 'test12345'],
      ['22222222-2222-4222-8222-222222222222', wpBcrypt, secret],
      [
        '33333333-3333-4333-8333-333333333333',
        bcrypt.hashSync('plainbcryptpassword00000', 4).replace(/^\$2b\$/, '$2y$'),
        'plainbcryptpassword00000',
      ],
    ];
    for (const [uuid, hash] of legacy) {
      await importApplicationPassword(db(), {
        uuid,
        userId: user.id,
        appId: '',
        name: `legacy ${uuid.slice(0, 1)}`,
        passwordHash: hash,
        created: server.clock.now,
        lastUsed: null,
        lastIp: null,
      });
    }
    for (const [uuid, , password] of legacy) {
      const response = await api(
        server,
        'GET',
        '/wp/v2/users/me/application-passwords/introspect',
        { auth: basic('imported', password) },
      );
      expect(response.status, uuid).toBe(200);
      expect(response.json.uuid).toBe(uuid);
      const row = await db()
        .selectFrom('application_passwords')
        .select('password_hash')
        .where('uuid', '=', uuid)
        .executeTakeFirstOrThrow();
      expect(row.password_hash.startsWith('$generic$')).toBe(true);
      // Still works through the fast path.
      expect(
        (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('imported', password) })).status,
      ).toBe(200);
    }
    expect(
      (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('imported', 'test12346') }))
        .status,
    ).toBe(401);
  });

  it('the site-wide switch and the per-role switch turn the feature off', async () => {
    const user = await server.createUser('switchy', 'contributor');
    const pw = await makeApplicationPassword(server, user.id);
    const auth = basic('switchy', pw.password);
    await writeSettings(db(), { applicationPasswordsDisabledRoles: ['contributor'] });
    try {
      const me = await api(server, 'GET', '/wp/v2/users/me', { auth });
      expect(me.status).toBe(501);
      expect(me.json.code).toBe('application_passwords_disabled_for_user');
      const adminPw = await makeApplicationPassword(server, 1);
      const list = await api(server, 'GET', `/wp/v2/users/${user.id}/application-passwords`, {
        auth: basic('admin', adminPw.password),
      });
      expect(list.status).toBe(501);
      expect(list.json.message).toBe(
        'Application passwords are not available for your account. Please contact the site administrator for assistance.',
      );
    } finally {
      await writeSettings(db(), { applicationPasswordsDisabledRoles: [] });
    }
    await writeSettings(db(), { applicationPasswordsEnabled: false });
    try {
      const index = await api(server, 'GET', '/?_fields=authentication');
      expect(index.json.authentication).toEqual([]);
      const route = await api(server, 'GET', '/wp/v2/users/me/application-passwords', { auth });
      expect(route.status).toBe(501);
      expect(route.json).toEqual({
        code: 'application_passwords_disabled',
        message: 'Application passwords are not available.',
        data: { status: 501 },
      });
      // Basic is ignored: the request is anonymous.
      const me = await api(server, 'GET', '/wp/v2/users/me', { auth });
      expect(me.json.code).toBe('rest_not_logged_in');
    } finally {
      await writeSettings(db(), { applicationPasswordsEnabled: true });
    }
  });

  it('revokes every password of one app; blocks an app site-wide; shows per-credential activity', async () => {
    const user = await server.createUser('appuser', 'author');
    const appId = '7d1e6c6a-1b7f-4d0e-9c59-3f4f3d8b2a10';
    const a = await makeApplicationPassword(server, user.id, 'phone', { appId });
    const b = await makeApplicationPassword(server, user.id, 'tablet', { appId });
    const other = await makeApplicationPassword(server, user.id, 'other');
    const adminPw = await makeApplicationPassword(server, 1, 'admin-tools');
    const asAdmin = basic('admin', adminPw.password);

    // Block: the app's passwords stop working; an author may not block.
    expect(
      (
        await api(server, 'POST', '/latchkey/v1/application-password-blocks', {
          auth: basic('appuser', other.password),
          body: { app_id: appId },
        })
      ).status,
    ).toBe(403);
    const blocked = await api(server, 'POST', '/latchkey/v1/application-password-blocks', {
      auth: asAdmin,
      body: { app_id: appId, reason: 'leaked' },
    });
    expect(blocked.status).toBe(201);
    expect(blocked.json).toMatchObject({ app_id: appId, reason: 'leaked', blocked_by: 1 });
    expect(
      (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('appuser', a.password) })).json,
    ).toEqual(INCORRECT);
    expect(
      (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('appuser', other.password) }))
        .status,
    ).toBe(200);
    const create = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: basic('appuser', other.password),
      body: { name: 'again', app_id: appId },
    });
    expect(create.status).toBe(403);
    expect(create.json.code).toBe('latchkey_app_blocked');
    expect(
      (
        await api(server, 'DELETE', `/latchkey/v1/application-password-blocks/${appId}`, {
          auth: asAdmin,
        })
      ).status,
    ).toBe(200);
    expect(
      (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('appuser', a.password) })).status,
    ).toBe(200);

    const revoked = await api(
      server,
      'DELETE',
      `/latchkey/v1/users/${user.id}/application-passwords?app_id=${appId}`,
      { auth: asAdmin },
    );
    expect(revoked.json).toEqual({ deleted: true, count: 2 });
    expect(
      (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('appuser', b.password) })).status,
    ).toBe(401);

    await api(server, 'POST', `/wp/v2/users/me/application-passwords/${other.uuid}`, {
      auth: basic('appuser', other.password),
      body: { name: 'renamed' },
    });
    await server.latchkey.flush();
    const activity = await api(
      server,
      'GET',
      `/latchkey/v1/users/me/application-passwords/${other.uuid}/activity`,
      { auth: basic('appuser', other.password) },
    );
    expect(activity.status).toBe(200);
    expect(activity.json.map((e: { event: string }) => e.event)).toEqual(
      expect.arrayContaining(['app_password.new_ip', 'app_password.renamed']),
    );
    const events = await db()
      .selectFrom('audit_events')
      .select('event')
      .where('event', 'in', ['app_password.blocked', 'app_password.revoked'])
      .execute();
    expect(events.map((e) => e.event)).toEqual(
      expect.arrayContaining(['app_password.blocked', 'app_password.revoked']),
    );
  });

  it('a flood of failed credentials from one address gets 429 with Retry-After, then even a good one waits', async () => {
    const flood = await startTestServer({ store });
    try {
      const user = await flood.createUser('victim', 'author');
      const pw = await makeApplicationPassword(flood, user.id);
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++)
        statuses.push(
          (await api(flood, 'GET', '/wp/v2/users/me', { auth: basic('victim', `guess-${i}`) }))
            .status,
        );
      expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
      expect(statuses[30]).toBe(429);
      const limited = await api(flood, 'GET', '/wp/v2/users/me', {
        auth: basic('victim', pw.password),
      });
      expect(limited.status).toBe(429);
      expect(limited.json.code).toBe('too_many_requests');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      await flood.latchkey.flush();
      const failures = await flood.latchkey.store.db
        .selectFrom('audit_events')
        .selectAll()
        .where('event', '=', 'app_password.failure')
        .execute();
      expect(failures).toHaveLength(1);
      expect(JSON.parse(failures[0]!.details).count).toBe(30);
    } finally {
      await flood.close();
    }
  });
});

describe('availability over plain HTTP outside the local environment, SPEC §3.2, §3.5', () => {
  const sqlite = STORES[0]!;
  it('production over HTTP: index [], 501 on the routes, Basic ignored', async () => {
    const server = await startTestServer({ store: sqlite, config: { env: 'production' } });
    try {
      const pw = await makeApplicationPassword(server, 1);
      const index = await api(server, 'GET', '/?_fields=authentication');
      expect(index.json).toEqual({ authentication: [] });
      const route = await api(server, 'GET', '/wp/v2/users/me/application-passwords', {
        auth: basic('admin', pw.password),
      });
      expect(route.status).toBe(501);
      expect(route.json.code).toBe('application_passwords_disabled');
      for (const password of [pw.password, 'wrong']) {
        const me = await api(server, 'GET', '/wp/v2/users/me', { auth: basic('admin', password) });
        expect(me.status).toBe(401);
        expect(me.json.code).toBe('rest_not_logged_in');
      }
    } finally {
      await server.close();
    }
  });

  it('development: allowed for requests to a loopback address', async () => {
    const server = await startTestServer({ store: sqlite, config: { env: 'development' } });
    try {
      const pw = await makeApplicationPassword(server, 1);
      expect(
        (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('admin', pw.password) })).status,
      ).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('the hot path uses the (user, hash) index, SPEC §3.1', () => {
  it('SQLite plans the lookup through application_passwords_user_hash, whatever the count', async () => {
    const server = await startTestServer({ store: STORES[0]! });
    try {
      for (let i = 0; i < 50; i++) await makeApplicationPassword(server, 1, `p${i}`);
      const { sql } = await import('kysely');
      const plan = await sql<{
        detail: string;
      }>`EXPLAIN QUERY PLAN SELECT ap.uuid FROM application_passwords ap JOIN users u ON u.id = ap.user_id LEFT JOIN app_id_blocks b ON b.app_id = ap.app_id WHERE u.login_key = ${'admin'} AND ap.password_hash = ${'$generic$x'}`.execute(
        server.latchkey.store.db,
      );
      const details = plan.rows.map((r) => r.detail).join('\n');
      expect(details).toMatch(/application_passwords_user_hash/);
      expect(details).not.toMatch(/SCAN ap\b/);
    } finally {
      await server.close();
    }
  });
});
