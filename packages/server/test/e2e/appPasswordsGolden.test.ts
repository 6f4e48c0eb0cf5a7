import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/index.js';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { loadGolden } from '../helpers/golden.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const keysOf = (value: unknown) => Object.keys(value as object);
/** Our items add scope, role_ceiling, expires and services [ours] to WordPress's keys, before `_links`. */
const OURS = ['scope', 'role_ceiling', 'expires', 'services'];
const wpKeys = (item: unknown) => keysOf(item).filter((k) => !OURS.includes(k));

const INCORRECT = {
  code: 'incorrect_password',
  message: 'The provided password is an invalid application password.',
  data: { status: 401 },
};

const SUITE = 'application passwords against the WordPress captures, SPEC §3.2, §3.3, §3.4 ($name)';

describe.each(STORES)(SUITE, (store) => {
  let server: TestServer;
  let admin: User;
  let editor: User;
  let adminPw: Awaited<ReturnType<typeof makeApplicationPassword>>;
  let editorPw: Awaited<ReturnType<typeof makeApplicationPassword>>;
  let asAdmin: string;
  beforeAll(async () => {
    server = await startTestServer({ store });
    admin = (await server.latchkey.store.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', 1)
      .executeTakeFirstOrThrow()) as unknown as User;
    editor = await server.createUser('editor', 'editor');
    await server.createUser('subscriber', 'subscriber');
    adminPw = await makeApplicationPassword(server, 1, 'compat-oracle');
    editorPw = await makeApplicationPassword(server, editor.id, 'editor-app');
    asAdmin = basic('admin', adminPw.password);
  });
  afterAll(() => server?.close());

  it('golden 05/06/07: users/me?context=edit with an AP, its chunked form, and the email as login', async () => {
    const golden = loadGolden('05');
    const plain = await api(server, 'GET', '/wp/v2/users/me?context=edit', { auth: asAdmin });
    expect(plain.status).toBe(200);
    expect(keysOf(plain.json)).toEqual(keysOf(golden.response.json));
    expect(plain.headers.get('allow')).toBe(golden.response.headers.allow);
    const chunked = await api(server, 'GET', '/wp/v2/users/me', {
      auth: basic('admin', adminPw.chunked),
    });
    expect(chunked.status).toBe(200);
    const dashed = await api(server, 'GET', '/wp/v2/users/me', {
      auth: basic('ADMIN', adminPw.chunked.replaceAll(' ', '-')),
    });
    expect(dashed.status).toBe(200);
    await server.latchkey.store.db
      .updateTable('users')
      .set({ email: 'admin@example.com', email_key: 'admin@example.com' })
      .where('id', '=', 1)
      .execute();
    const byEmail = await api(server, 'GET', '/wp/v2/users/me?_fields=id', {
      auth: basic('Admin@Example.com', adminPw.password),
    });
    expect(byEmail.json).toEqual({ id: 1 });
    expect(admin.id).toBe(1);
  });

  it('golden 08–11, 16 [ours]: every failed credential is the same 401 incorrect_password, on any route', async () => {
    const cases = [
      basic('admin', 'AbCd EfGh IjKl MnOp QrSt UvWx'), // 08 wrong AP
      basic('admin', ADMIN_PASSWORD), // 09 the account password
      basic('nobody', adminPw.password), // 10 unknown login
      basic('nobody@example.com', adminPw.password), // 11 unknown email
      basic('admin', adminPw.password.toLowerCase()), // case matters
      basic('editor', adminPw.password), // another user's AP
    ];
    const bodies = new Set<string>();
    for (const auth of cases) {
      for (const path of ['/wp/v2/users/me', '/wp/v2/users', '/']) {
        const response = await api(server, 'GET', path, { auth });
        expect(response.status, `${auth} ${path}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toBeNull();
        bodies.add(response.text);
      }
    }
    expect([...bodies]).toEqual([JSON.stringify(INCORRECT)]);
  });

  it('golden 12–15: no usable credentials (empty password, bad base64, no colon, Bearer) are simply anonymous', async () => {
    for (const n of ['12', '13', '14', '15']) {
      const golden = loadGolden(n);
      const response = await api(server, 'GET', golden.request.path.replace(/^\/wp-json/, ''), {
        auth: golden.request.headers.authorization,
      });
      expect(response.status, n).toBe(golden.response.status);
      expect(response.text, n).toBe(golden.response.body);
    }
  });

  it('golden 17: a subscriber’s AP reads their own profile', async () => {
    const sub = await server.latchkey.store.db
      .selectFrom('users')
      .select('id')
      .where('login', '=', 'subscriber')
      .executeTakeFirstOrThrow();
    const pw = await makeApplicationPassword(server, sub.id, 'sub');
    const golden = loadGolden('17');
    const response = await api(server, 'GET', '/wp/v2/users/me?context=edit', {
      auth: basic('subscriber', pw.password),
    });
    expect(response.status).toBe(200);
    expect(keysOf(response.json)).toEqual(keysOf(golden.response.json));
    expect(response.headers.get('allow')).toBe(golden.response.headers.allow);
  });

  it('golden 22/23/24: list, introspect, and introspect signed out', async () => {
    const list = await api(server, 'GET', '/wp/v2/users/me/application-passwords', {
      auth: asAdmin,
    });
    const golden22 = loadGolden('22');
    expect(list.status).toBe(200);
    expect(list.headers.get('allow')).toBe(golden22.response.headers.allow);
    expect(wpKeys(list.json[0])).toEqual(keysOf((golden22.response.json as unknown[])[0]));
    expect(list.json[0]).toMatchObject({
      uuid: adminPw.uuid,
      app_id: '',
      name: 'compat-oracle',
      scope: 'full',
      role_ceiling: null,
      expires: null,
    });
    expect(list.json[0].created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(list.json[0]._links.self[0].href).toBe(
      `${server.url}/wp-json/wp/v2/users/1/application-passwords/${adminPw.uuid}`,
    );
    expect(list.json[0]).not.toHaveProperty('password');

    const introspect = await api(
      server,
      'GET',
      '/wp/v2/users/me/application-passwords/introspect',
      { auth: asAdmin },
    );
    expect(introspect.status).toBe(200);
    expect(introspect.json.uuid).toBe(adminPw.uuid);
    expect(introspect.json.last_ip).toBe('127.0.0.1');
    expect(introspect.json.last_used).not.toBeNull();

    const anonymous = await api(server, 'GET', '/wp/v2/users/me/application-passwords/introspect');
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).toBe(loadGolden('24').response.body);
  });

  it('golden 25–34: create, duplicate name [SPEC: allowed], missing name, get, rename, use, delete, revoked, gone', async () => {
    const golden25 = loadGolden('25');
    const created = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: asAdmin,
      body: { name: 'golden-temp' },
    });
    expect(created.status).toBe(201);
    expect(wpKeys(created.json)).toEqual(keysOf(golden25.response.json));
    expect(created.json.password).toMatch(/^[A-Za-z0-9]{4}( [A-Za-z0-9]{4}){5}$/);
    expect(created.json.last_used).toBeNull();
    expect(created.headers.get('location')).toBe(
      `${server.url}/wp-json/wp/v2/users/1/application-passwords/${created.json.uuid}`,
    );
    const uuid = created.json.uuid as string;
    const temp = created.json.password as string;

    // SPEC §3.1: duplicates are allowed (WordPress 6.1 answered 409, golden 26).
    const duplicate = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: asAdmin,
      body: { name: 'golden-temp' },
    });
    expect(duplicate.status).toBe(201);
    await api(server, 'DELETE', `/wp/v2/users/me/application-passwords/${duplicate.json.uuid}`, {
      auth: asAdmin,
    });

    const missing = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: asAdmin,
      body: {},
    });
    expect(missing.status).toBe(400);
    expect(missing.text).toBe(loadGolden('27').response.body);
    const empty = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: asAdmin,
      body: { name: '<b></b>  ' },
    });
    expect(empty.status).toBe(400);
    expect(empty.json.code).toBe('application_password_empty_name');
    // Argument validation comes first (SPEC §3.4): only spaces, or not a string at all, is an
    // invalid parameter on create and on rename, before the name is sanitised.
    for (const name of ['   ', '\t \n', 123, true, ['x'], null]) {
      for (const target of ['', `/${uuid}`]) {
        const bad = await api(server, 'POST', `/wp/v2/users/me/application-passwords${target}`, {
          auth: asAdmin,
          body: { name },
        });
        const label = `${JSON.stringify(name)} on ${target || 'create'}`;
        if (name === null && target === '') {
          expect(bad.json.code, label).toBe('rest_missing_callback_param');
          continue;
        }
        expect(bad.status, label).toBe(400);
        expect(bad.json.code, label).toBe('rest_invalid_param');
        expect(Object.keys(bad.json.data.params), label).toEqual(['name']);
      }
    }
    const badApp = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: asAdmin,
      body: { name: 'x', app_id: 'NOT-A-UUID' },
    });
    expect(badApp.status).toBe(400);
    expect(badApp.json.code).toBe('rest_invalid_param');
    const upperApp = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: asAdmin,
      body: { name: 'x', app_id: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' },
    });
    expect(upperApp.status).toBe(400);

    const one = await api(server, 'GET', `/wp/v2/users/me/application-passwords/${uuid}`, {
      auth: asAdmin,
    });
    expect(one.status).toBe(200);
    expect(wpKeys(one.json)).toEqual(keysOf(loadGolden('28').response.json));

    const renamed = await api(server, 'POST', `/wp/v2/users/me/application-passwords/${uuid}`, {
      auth: asAdmin,
      body: { name: '<i>golden-temp-renamed</i>', app_id: '11111111-2222-4333-8444-555555555555' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.headers.get('allow')).toBe(loadGolden('29').response.headers.allow);
    expect(renamed.json).toMatchObject({ name: 'golden-temp-renamed', app_id: '' });

    const used = await api(server, 'GET', '/wp/v2/users/me?_fields=id', {
      auth: basic('admin', temp),
    });
    expect(used.status).toBe(200);
    const introspect = await api(
      server,
      'GET',
      '/wp/v2/users/me/application-passwords/introspect',
      { auth: basic('admin', temp) },
    );
    expect(introspect.json.uuid).toBe(uuid);

    const deleted = await api(server, 'DELETE', `/wp/v2/users/me/application-passwords/${uuid}`, {
      auth: asAdmin,
    });
    expect(deleted.status).toBe(200);
    const golden32 = loadGolden('32').response.json as { previous: object };
    expect(keysOf(deleted.json)).toEqual(['deleted', 'previous']);
    expect(wpKeys(deleted.json.previous)).toEqual(keysOf(golden32.previous));
    expect(deleted.json.previous.last_ip).toBe('127.0.0.1');

    const revoked = await api(server, 'GET', '/wp/v2/users/me', { auth: basic('admin', temp) });
    expect(revoked.status).toBe(401);
    expect(revoked.json).toEqual(INCORRECT);
    const gone = await api(server, 'GET', `/wp/v2/users/me/application-passwords/${uuid}`, {
      auth: asAdmin,
    });
    expect(gone.status).toBe(404);
    expect(gone.text).toBe(loadGolden('34').response.body);
  });

  it('golden 35/36: an editor cannot list an administrator’s; an administrator lists an editor’s', async () => {
    const denied = await api(server, 'GET', '/wp/v2/users/1/application-passwords', {
      auth: basic('editor', editorPw.password),
    });
    expect(denied.status).toBe(403);
    expect(denied.text).toBe(loadGolden('35').response.body);
    const allowed = await api(server, 'GET', `/wp/v2/users/${editor.id}/application-passwords`, {
      auth: asAdmin,
    });
    expect(allowed.status).toBe(200);
    expect(allowed.json.map((i: { uuid: string }) => i.uuid)).toEqual([editorPw.uuid]);
    const unknown = await api(server, 'GET', '/wp/v2/users/999/application-passwords', {
      auth: asAdmin,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('rest_user_invalid_id');
    const anonymous = await api(server, 'GET', `/wp/v2/users/${editor.id}/application-passwords`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.code).toBe('rest_cannot_list_application_passwords');
    const otherIntrospect = await api(
      server,
      'GET',
      `/wp/v2/users/${editor.id}/application-passwords/introspect`,
      { auth: asAdmin },
    );
    expect(otherIntrospect.status).toBe(403);
    expect(otherIntrospect.json.code).toBe(
      'rest_cannot_introspect_app_password_for_non_authenticated_user',
    );
  });

  it('golden 42: a signed-in browser creates one with cookie + nonce; introspect without an AP is 404', async () => {
    const browser = new BrowserClient(server.url);
    await browser.signIn('admin', ADMIN_PASSWORD);
    const nonce = await browser.restNonce();
    const created = await browser.request('/wp-json/wp/v2/users/me/application-passwords', {
      method: 'POST',
      body: JSON.stringify({
        name: 'from-browser',
        app_id: '0ba2c8d6-4c0e-4a4f-9d3b-1c2d3e4f5a6b',
      }),
      headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce },
    });
    expect(created.status).toBe(loadGolden('42').response.status);
    expect(JSON.parse(created.text_).app_id).toBe('0ba2c8d6-4c0e-4a4f-9d3b-1c2d3e4f5a6b');
    const introspect = await browser.get(
      '/wp-json/wp/v2/users/me/application-passwords/introspect',
      { 'x-wp-nonce': nonce },
    );
    expect(introspect.status).toBe(404);
    expect(JSON.parse(introspect.text_).code).toBe('rest_no_authenticated_app_password');
  });

  it('deletes all of a user’s passwords with a count', async () => {
    const user = await server.createUser('many', 'author');
    for (let i = 0; i < 3; i++) await makeApplicationPassword(server, user.id, `p${i}`);
    const response = await api(server, 'DELETE', `/wp/v2/users/${user.id}/application-passwords`, {
      auth: asAdmin,
    });
    expect(response.json).toEqual({ deleted: true, count: 3 });
  });
});
