import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restAs } from '../helpers/restSession.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

describe.each(STORES)('REST wp/v2/users, SPEC §2, §6.1, §9 ($name)', (store) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof restAs>>;
  beforeAll(async () => {
    server = await startTestServer({ store });
    admin = await restAs(server, 'admin', ADMIN_PASSWORD);
  });
  afterAll(() => server?.close());

  it('creates a user (201, Location, edit context) and refuses duplicates', async () => {
    const created = await admin.call('POST', '/wp/v2/users', {
      username: 'writer',
      email: 'writer@example.com',
      password: 'retirw-Pass-1234',
      roles: ['author'],
      name: 'Wanda Writer',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(
      `${server.url}/wp-json/wp/v2/users/${created.json.id}`,
    );
    expect(created.json).toMatchObject({
      username: 'writer',
      name: 'Wanda Writer',
      roles: ['author'],
      email: 'writer@example.com',
    });
    expect(created.json).not.toHaveProperty('password');
    const dupLogin = await admin.call('POST', '/wp/v2/users', {
      username: 'WRITER',
      email: 'other@example.com',
      password: 'x-Pass-1234',
    });
    expect(dupLogin.status).toBe(400);
    expect(dupLogin.json.code).toBe('existing_user_login');
    const dupEmail = await admin.call('POST', '/wp/v2/users', {
      username: 'other',
      email: 'Writer@Example.com',
      password: 'x-Pass-1234',
    });
    expect(dupEmail.json.code).toBe('existing_user_email');
    // SPEC §12 [ours]: the password may be left out (an invitation is mailed instead).
    const missing = await admin.call('POST', '/wp/v2/users', { username: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({
      code: 'rest_missing_callback_param',
      message: 'Missing parameter(s): email',
      data: { status: 400, params: ['email'] },
    });
    const badRole = await admin.call('POST', '/wp/v2/users', {
      username: 'y',
      email: 'y@example.com',
      password: 'y-Pass-1234',
      roles: ['overlord'],
    });
    expect(badRole.status).toBe(400);
    expect(badRole.json.code).toBe('rest_user_invalid_role');
  });

  it('lists users with pagination headers and validates parameters', async () => {
    const list = await admin.call('GET', '/wp/v2/users?per_page=1&orderby=id');
    expect(list.status).toBe(200);
    expect(list.json).toHaveLength(1);
    expect(Number(list.headers.get('x-wp-total'))).toBeGreaterThanOrEqual(2);
    expect(list.headers.get('x-wp-totalpages')).toBe(list.headers.get('x-wp-total'));
    const bad = await admin.call('GET', '/wp/v2/users?per_page=500');
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('rest_invalid_param');
    expect(bad.json.data.params.per_page).toBe(
      'per_page must be between 1 (inclusive) and 100 (inclusive)',
    );
    expect(bad.json.data.details.per_page.code).toBe('rest_out_of_bounds');
  });

  it('keeps other users private from non-listers and from the anonymous', async () => {
    const anonymous = await fetch(`${server.url}/wp-json/wp/v2/users`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual([]);
    expect((await fetch(`${server.url}/wp-json/wp/v2/users/1`)).status).toBe(401);
    const editContext = await fetch(`${server.url}/wp-json/wp/v2/users?context=edit`);
    expect(editContext.status).toBe(401);
    expect(((await editContext.json()) as { code: string }).code).toBe('rest_forbidden_context');

    await server.createUser('reader', 'subscriber');
    const reader = await restAs(server, 'reader', 'redaer-Pass-1234');
    const other = await reader.call('GET', '/wp/v2/users/1');
    expect(other.status).toBe(403);
    expect(other.json.code).toBe('rest_user_cannot_view');
    const missing = await reader.call('GET', '/wp/v2/users/999999');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      code: 'rest_user_invalid_id',
      message: 'Invalid user ID.',
      data: { status: 404 },
    });
  });

  it('lets a user edit themselves but not their role, and not others', async () => {
    await server.createUser('selfie', 'author');
    const selfie = await restAs(server, 'selfie', 'eifles-Pass-1234');
    const renamed = await selfie.call('POST', '/wp/v2/users/me', {
      name: 'Selma',
      description: 'hi',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.json.name).toBe('Selma');
    const promote = await selfie.call('PUT', '/wp/v2/users/me', { roles: ['administrator'] });
    expect(promote.status).toBe(403);
    expect(promote.json.code).toBe('rest_cannot_edit_roles');
    const editAdmin = await selfie.call('PATCH', '/wp/v2/users/1', { name: 'pwned' });
    expect(editAdmin.status).toBe(403);
    expect(editAdmin.json.code).toBe('rest_cannot_edit');
    const username = await selfie.call('POST', '/wp/v2/users/me', { username: 'newname' });
    expect(username.json.code).toBe('rest_user_invalid_argument');
  });

  it('an editor cannot touch an administrator; an administrator can change roles', async () => {
    const ed = await server.createUser('eddie', 'editor');
    const target = await server.createUser('promotee', 'subscriber');
    const promoted = await admin.call('POST', `/wp/v2/users/${target.id}`, { roles: ['editor'] });
    expect(promoted.status).toBe(200);
    expect(promoted.json.roles).toEqual(['editor']);
    const eddie = await restAs(server, 'eddie', 'eidde-Pass-1234');
    expect((await eddie.call('POST', '/wp/v2/users/1', { name: 'x' })).status).toBe(403);
    expect(ed.role).toBe('editor');
  });

  it('deletes only with force and a valid reassign, and never the last administrator', async () => {
    const doomed = await server.createUser('doomed', 'contributor');
    const noReassign = await admin.call('DELETE', `/wp/v2/users/${doomed.id}`);
    expect(noReassign.status).toBe(400);
    expect(noReassign.json.code).toBe('rest_missing_callback_param');
    const noForce = await admin.call('DELETE', `/wp/v2/users/${doomed.id}?reassign=1`);
    expect(noForce.status).toBe(501);
    expect(noForce.json.code).toBe('rest_trash_not_supported');
    const badReassign = await admin.call(
      'DELETE',
      `/wp/v2/users/${doomed.id}?force=true&reassign=${doomed.id}`,
    );
    expect(badReassign.json.code).toBe('rest_user_invalid_reassign');
    const gone = await admin.call('DELETE', `/wp/v2/users/${doomed.id}?force=true&reassign=1`);
    expect(gone.status).toBe(200);
    expect(gone.json.deleted).toBe(true);
    expect(gone.json.previous.username).toBe('doomed');
    expect((await admin.call('GET', `/wp/v2/users/${doomed.id}`)).status).toBe(404);
    const self = await admin.call('DELETE', '/wp/v2/users/me?force=true&reassign=0');
    expect(self.status).toBe(409);
    expect(self.json.code).toBe('last_administrator');
  });

  it('deleting a user hands their posts to `reassign`, and refuses to lose them without one', async () => {
    const writer = await server.createUser('leaving-writer', 'author');
    const heir = await server.createUser('heir', 'editor');
    const created = await admin.call('POST', '/wp/v2/posts', {
      title: 'Keep me',
      status: 'publish',
      author: writer.id,
    });
    expect(created.status).toBe(201);
    const refused = await admin.call('DELETE', `/wp/v2/users/${writer.id}?force=true&reassign=0`);
    expect(refused.status).toBe(400);
    expect(refused.json.code).toBe('latchkey_user_has_content');
    const deleted = await admin.call(
      'DELETE',
      `/wp/v2/users/${writer.id}?force=true&reassign=${heir.id}`,
    );
    expect(deleted.status).toBe(200);
    const post = await admin.call('GET', `/wp/v2/posts/${created.json.id}?context=edit`);
    expect(post.json.author).toBe(heir.id);
  });

  it('a password change over REST ends the other sessions of that user', async () => {
    await server.createUser('spinner', 'author');
    const first = await restAs(server, 'spinner', 'rennips-Pass-1234');
    const second = await restAs(server, 'spinner', 'rennips-Pass-1234');
    const changed = await first.call('POST', '/wp/v2/users/me', { password: 'detator-Pass-999' });
    expect(changed.status).toBe(200);
    expect((await first.call('GET', '/wp/v2/users/me')).status).toBe(200);
    expect((await second.call('GET', '/wp/v2/users/me')).status).toBe(401);
  });

  it('anonymous writes get 401 with WordPress codes', async () => {
    const create = await fetch(`${server.url}/wp-json/wp/v2/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":"a","email":"a@b.co","password":"p"}',
    });
    expect(create.status).toBe(401);
    expect(((await create.json()) as { code: string }).code).toBe('rest_cannot_create_user');
  });
});
