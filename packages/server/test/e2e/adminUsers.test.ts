import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserClient } from '../helpers/browserClient.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

describe.each(STORES)('administration pages, SPEC §2, §6.1 ($name)', (store) => {
  let server: TestServer;
  let admin: BrowserClient;
  beforeAll(async () => {
    server = await startTestServer({ store });
    admin = new BrowserClient(server.url);
    await admin.signIn('admin', ADMIN_PASSWORD);
  });
  afterAll(() => server?.close());

  it('an administrator creates a user, changes the role and ends the sessions', async () => {
    await admin.get('/admin/users');
    const created = await admin.postForm('/admin/users', {
      login: 'newbie',
      email: 'newbie@example.com',
      password: 'eibwen-Pass-1',
      role: 'contributor',
      display_name: '<b>Newbie</b>',
    });
    expect(created.status).toBe(303);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/admin\/users\/\d+\?done=created$/);
    const detail = await admin.get(location);
    expect(detail.text_).toContain('User created.');
    expect(detail.text_).toContain('&lt;b&gt;Newbie&lt;/b&gt;');
    expect(detail.text_).not.toContain('<b>Newbie</b>');

    const id = location.split('/')[3]!.split('?')[0];
    const newbie = new BrowserClient(server.url);
    expect((await newbie.signIn('newbie', 'eibwen-Pass-1')).status).toBe(302);
    expect((await admin.postForm(`/admin/users/${id}/role`, { role: 'editor' })).status).toBe(303);
    expect((await admin.get('/admin/users')).text_).toMatch(/data-user="newbie">[\s\S]*?Editor/);
    expect((await admin.postForm(`/admin/users/${id}/end-sessions`, {})).status).toBe(303);
    expect((await newbie.get('/account')).status).toBe(302);
  });

  it('refuses bad input on the create form with the reason, keeping what exists', async () => {
    await admin.get('/admin/users');
    const dup = await admin.postForm('/admin/users', {
      login: 'NEWBIE',
      email: 'x@example.com',
      password: 'whatever-123',
      role: 'author',
    });
    expect(dup.status).toBe(400);
    expect(dup.text_).toContain('Sorry, that username already exists!');
    const role = await admin.postForm('/admin/users', {
      login: 'x1',
      email: 'x1@example.com',
      password: 'whatever-123',
      role: 'root',
    });
    expect(role.status).toBe(400);
  });

  it('non-administrators cannot reach the user admin; the last administrator cannot be disabled', async () => {
    await server.createUser('ed', 'editor');
    const editor = new BrowserClient(server.url);
    await editor.signIn('ed', 'ed-Pass-1234');
    expect((await editor.get('/admin/users')).status).toBe(403);
    await editor.get('/account');
    expect(
      (
        await editor.postForm('/admin/users', {
          login: 'sneaky',
          email: 's@example.com',
          password: 'ykaens-Pass-1',
          role: 'administrator',
        })
      ).status,
    ).toBe(403);
    const signedOut = await new BrowserClient(server.url).get('/admin/users');
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get('location')).toBe('/login?redirect_to=%2Fadmin%2Fusers');

    await admin.get('/admin/users/1');
    // The acting administrator cannot disable themselves through the page.
    expect((await admin.postForm('/admin/users/1/disable', {})).status).toBe(403);
  });
});
