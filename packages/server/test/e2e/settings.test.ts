import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserClient } from '../helpers/browserClient.js';
import { restAs, type Json } from '../helpers/restSession.js';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { enableTotp } from '../helpers/twoFactor.js';
import { findUserById } from '../../src/accounts/index.js';

const DEFAULTS = {
  title: 'Latchkey',
  description: 'Authentication for APIs',
  timezone: 'UTC',
  latchkey_email_fallback: true,
  latchkey_required_two_factor_roles: [],
  latchkey_application_passwords: true,
  latchkey_application_passwords_disabled_roles: [],
  latchkey_xmlrpc: true,
  latchkey_xmlrpc_account_passwords: true,
  users_can_register: false,
  default_role: 'subscriber',
};

const FORBIDDEN = { code: 'rest_forbidden', message: 'Sorry, you are not allowed to do that.' };

async function settingsAudit(server: TestServer) {
  const rows = await server.latchkey.store.db
    .selectFrom('audit_events')
    .selectAll()
    .where('event', '=', 'settings.changed')
    .orderBy('id', 'asc')
    .execute();
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Json }));
}

describe.each(STORES)('REST wp/v2/settings, SPEC §3.2, §6.2, §6.4, §9, §10 ($name)', (store) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof restAs>>;
  beforeAll(async () => {
    server = await startTestServer({ store });
    admin = await restAs(server, 'admin', ADMIN_PASSWORD);
  });
  afterAll(() => server?.close());

  it('shows the settings to administrators, by WordPress names where WordPress has them', async () => {
    const got = await admin.call('GET', '/wp/v2/settings');
    expect(got.status).toBe(200);
    expect(got.json).toEqual(DEFAULTS);
    const index = await api(server, 'GET', '/wp/v2');
    expect(Object.keys(index.json.routes)).toContain('/wp/v2/settings');
    expect(index.json.routes['/wp/v2/settings'].methods).toEqual(['GET', 'POST', 'PUT', 'PATCH']);
  });

  it('refuses the anonymous (401) and signed-in non-administrators (403), changing nothing', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH']) {
      const anonymous = await api(server, method, '/wp/v2/settings', {
        ...(method === 'GET' ? {} : { body: { title: 'Pwned' } }),
      });
      expect(anonymous.status).toBe(401);
      expect(anonymous.json).toEqual({ ...FORBIDDEN, data: { status: 401 } });
    }
    const editorUser = await server.createUser('ed', 'editor');
    const editor = await restAs(server, 'ed', 'ed-Pass-1234');
    const get = await editor.call('GET', '/wp/v2/settings');
    expect(get.status).toBe(403);
    expect(get.json).toEqual({ ...FORBIDDEN, data: { status: 403 } });
    expect((await editor.call('POST', '/wp/v2/settings', { title: 'Pwned' })).status).toBe(403);
    const ap = await makeApplicationPassword(server, editorUser.id);
    const viaAp = await api(server, 'PATCH', '/wp/v2/settings', {
      auth: basic('ed', ap.password),
      body: { title: 'Pwned' },
    });
    expect(viaAp.status).toBe(403);
    expect(viaAp.json.code).toBe('rest_forbidden');
    expect((await admin.call('GET', '/wp/v2/settings')).json.title).toBe('Latchkey');
    expect(await settingsAudit(server)).toEqual([]);
  });

  it('updates with POST, PUT and PATCH; normalises role lists; audits each change with old and new values', async () => {
    const updated = await admin.call('POST', '/wp/v2/settings', {
      title: '  Example Site ',
      description: 'Keys & <locks>',
      timezone: 'Europe/Paris',
      latchkey_required_two_factor_roles: ['author', 'editor', 'author'],
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toEqual({
      ...DEFAULTS,
      title: 'Example Site',
      description: 'Keys & <locks>',
      timezone: 'Europe/Paris',
      latchkey_required_two_factor_roles: ['editor', 'author'],
    });
    expect((await admin.call('GET', '/wp/v2/settings')).json).toEqual(updated.json);
    const index = await api(server, 'GET', '/?_fields=name,description,timezone_string');
    expect(index.json).toEqual({
      name: 'Example Site',
      description: 'Keys & <locks>',
      timezone_string: 'Europe/Paris',
    });

    const rows = await settingsAudit(server);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      user_id: 1,
      credential: expect.stringMatching(/^session:/),
      user_agent: 'latchkey-tests',
    });
    expect(rows[0]!.details).toEqual({
      by: 1,
      changed: ['title', 'description', 'timezone', 'latchkey_required_two_factor_roles'],
      old: {
        title: 'Latchkey',
        description: 'Authentication for APIs',
        timezone: 'UTC',
        latchkey_required_two_factor_roles: [],
      },
      new: {
        title: 'Example Site',
        description: 'Keys & <locks>',
        timezone: 'Europe/Paris',
        latchkey_required_two_factor_roles: ['editor', 'author'],
      },
    });

    const put = await admin.call('PUT', '/wp/v2/settings', { latchkey_email_fallback: false });
    expect(put.json.latchkey_email_fallback).toBe(false);
    const patch = await admin.call('PATCH', '/wp/v2/settings', {
      latchkey_email_fallback: 'true',
      latchkey_required_two_factor_roles: [],
      timezone: 'UTC',
    });
    expect(patch.status).toBe(200);
    expect(patch.json).toMatchObject({
      latchkey_email_fallback: true,
      latchkey_required_two_factor_roles: [],
      timezone: 'UTC',
    });
    // Saving the same values again changes nothing and records nothing.
    const same = await admin.call('POST', '/wp/v2/settings', { title: 'Example Site' });
    expect(same.status).toBe(200);
    const after = await settingsAudit(server);
    expect(after.map((r) => r.details.changed)).toEqual([
      ['title', 'description', 'timezone', 'latchkey_required_two_factor_roles'],
      ['latchkey_email_fallback'],
      ['timezone', 'latchkey_email_fallback', 'latchkey_required_two_factor_roles'],
    ]);
    expect(after[1]!.details).toMatchObject({
      old: { latchkey_email_fallback: true },
      new: { latchkey_email_fallback: false },
    });
  });

  it('refuses bad values with 400 rest_invalid_param naming each one, and changes nothing', async () => {
    const before = (await admin.call('GET', '/wp/v2/settings')).json;
    const bad = await admin.call('POST', '/wp/v2/settings', {
      title: '   ',
      timezone: 'Mars/Olympus_Mons',
      latchkey_required_two_factor_roles: ['editor', 'overlord'],
      latchkey_application_passwords_disabled_roles: ['root'],
      description: 'fine',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('rest_invalid_param');
    expect(bad.json.message).toBe(
      'Invalid parameter(s): title, timezone, latchkey_required_two_factor_roles, latchkey_application_passwords_disabled_roles',
    );
    expect(bad.json.data.status).toBe(400);
    expect(bad.json.data.params).toEqual({
      title: 'title must not be empty.',
      timezone: 'timezone is not a known time zone (for example UTC or Europe/Paris).',
      latchkey_required_two_factor_roles:
        'latchkey_required_two_factor_roles[1] is not one of administrator, editor, author, contributor, subscriber.',
      latchkey_application_passwords_disabled_roles:
        'latchkey_application_passwords_disabled_roles[0] is not one of administrator, editor, author, contributor, subscriber.',
    });

    const types = await admin.call('POST', '/wp/v2/settings', {
      latchkey_email_fallback: 'maybe',
      latchkey_application_passwords: [],
      title: { nested: true },
    });
    expect(types.status).toBe(400);
    expect(types.json.code).toBe('rest_invalid_param');
    expect(Object.keys(types.json.data.params).sort()).toEqual([
      'latchkey_application_passwords',
      'latchkey_email_fallback',
      'title',
    ]);
    const long = await admin.call('POST', '/wp/v2/settings', {
      title: 'x'.repeat(201),
      description: 'a\u0000b',
    });
    expect(long.status).toBe(400);
    expect(Object.keys(long.json.data.params)).toEqual(['title', 'description']);
    expect((await admin.call('GET', '/wp/v2/settings')).json).toEqual(before);
  });

  it('the application-password switches take effect: the index, Basic auth, and per role', async () => {
    const adminAp = await makeApplicationPassword(server, 1);
    const ed = (await server.latchkey.store.db
      .selectFrom('users')
      .select('id')
      .where('login', '=', 'ed')
      .executeTakeFirstOrThrow())!;
    const edAp = await makeApplicationPassword(server, Number(ed.id), 'second');
    const me = (auth: string) => api(server, 'GET', '/wp/v2/users/me', { auth });
    expect((await api(server, 'GET', '/')).json.authentication).toEqual({
      'application-passwords': {
        endpoints: { authorization: `${server.url}/authorize-application` },
      },
    });
    expect((await me(basic('admin', adminAp.password))).status).toBe(200);

    const off = await admin.call('POST', '/wp/v2/settings', {
      latchkey_application_passwords: false,
    });
    expect(off.json.latchkey_application_passwords).toBe(false);
    expect((await api(server, 'GET', '/')).json.authentication).toEqual([]);
    expect((await me(basic('admin', adminAp.password))).status).toBe(401);

    const on = await admin.call('POST', '/wp/v2/settings', {
      latchkey_application_passwords: true,
      latchkey_application_passwords_disabled_roles: ['editor'],
    });
    expect(on.json).toMatchObject({
      latchkey_application_passwords: true,
      latchkey_application_passwords_disabled_roles: ['editor'],
    });
    expect((await me(basic('admin', adminAp.password))).status).toBe(200);
    const edRefused = await me(basic('ed', edAp.password));
    expect(edRefused.status).toBe(501);
    expect(edRefused.json.code).toBe('application_passwords_disabled_for_user');

    await admin.call('POST', '/wp/v2/settings', {
      latchkey_application_passwords_disabled_roles: [],
    });
    expect((await me(basic('ed', edAp.password))).status).toBe(200);
  });

  it('stores the XML-RPC switches (booleans only)', async () => {
    const off = await admin.call('PATCH', '/wp/v2/settings', {
      latchkey_xmlrpc: false,
      latchkey_xmlrpc_account_passwords: '0',
    });
    expect(off.status).toBe(200);
    expect(off.json).toMatchObject({
      latchkey_xmlrpc: false,
      latchkey_xmlrpc_account_passwords: false,
    });
    const bad = await admin.call('PATCH', '/wp/v2/settings', { latchkey_xmlrpc: 'sometimes' });
    expect(bad.status).toBe(400);
    expect(bad.json.data.params).toEqual({
      latchkey_xmlrpc: 'latchkey_xmlrpc is not of type boolean.',
    });
    const on = await admin.call('PATCH', '/wp/v2/settings', {
      latchkey_xmlrpc: true,
      latchkey_xmlrpc_account_passwords: true,
    });
    expect(on.json).toMatchObject({
      latchkey_xmlrpc: true,
      latchkey_xmlrpc_account_passwords: true,
    });
    expect((await settingsAudit(server)).at(-1)!.details.changed).toEqual([
      'latchkey_xmlrpc',
      'latchkey_xmlrpc_account_passwords',
    ]);
  });

  it('refuses to require two-factor for administrators until the acting administrator has a second factor', async () => {
    const auditBefore = (await settingsAudit(server)).length;
    const refused = await admin.call('POST', '/wp/v2/settings', {
      latchkey_required_two_factor_roles: ['administrator', 'editor'],
      title: 'Not applied either',
    });
    expect(refused.status).toBe(400);
    expect(refused.json.code).toBe('latchkey_requires_own_second_factor');
    expect(refused.json.message).toMatch(
      /^Set up two-factor authentication for your own account before requiring it for administrators/,
    );
    const unchanged = (await admin.call('GET', '/wp/v2/settings')).json;
    expect(unchanged.latchkey_required_two_factor_roles).toEqual([]);
    expect(unchanged.title).not.toBe('Not applied either');
    expect(await settingsAudit(server)).toHaveLength(auditBefore);
    // Other roles are no problem.
    const editors = await admin.call('POST', '/wp/v2/settings', {
      latchkey_required_two_factor_roles: ['editor'],
    });
    expect(editors.status).toBe(200);

    await enableTotp(server, (await findUserById(server.latchkey.store.db, 1))!);
    const accepted = await admin.call('POST', '/wp/v2/settings', {
      latchkey_required_two_factor_roles: ['editor', 'administrator'],
    });
    expect(accepted.status).toBe(200);
    expect(accepted.json.latchkey_required_two_factor_roles).toEqual(['administrator', 'editor']);
    const rows = await settingsAudit(server);
    expect(rows.at(-1)!.details).toMatchObject({
      changed: ['latchkey_required_two_factor_roles'],
      old: { latchkey_required_two_factor_roles: ['editor'] },
      new: { latchkey_required_two_factor_roles: ['administrator', 'editor'] },
    });
    // Turning it off needs nothing.
    const off = await admin.call('POST', '/wp/v2/settings', {
      latchkey_required_two_factor_roles: [],
    });
    expect(off.status).toBe(200);
  });
});

describe.each(STORES)('page /admin/settings, SPEC §1, §6.1, §6.2 ($name)', (store) => {
  let server: TestServer;
  let admin: BrowserClient;
  const form = (over: Record<string, string | null> = {}) => ({
    title: 'Paged Site',
    description: 'Set from the form',
    timezone: 'America/New_York',
    latchkey_email_fallback: null,
    latchkey_required_two_factor_roles: 'author',
    latchkey_application_passwords: '1',
    latchkey_application_passwords_disabled_roles: 'subscriber',
    latchkey_xmlrpc: '1',
    latchkey_xmlrpc_account_passwords: null,
    ...over,
  });
  let rest: Awaited<ReturnType<typeof restAs>>;
  const current = () => rest.call('GET', '/wp/v2/settings');

  beforeAll(async () => {
    server = await startTestServer({ store });
    admin = new BrowserClient(server.url);
    await admin.signIn('admin', ADMIN_PASSWORD);
    rest = await restAs(server, 'admin', ADMIN_PASSWORD);
  });
  afterAll(() => server?.close());

  it('is linked from the users page and shows the current settings in a form', async () => {
    expect((await admin.get('/admin/users')).text_).toContain('href="/admin/settings"');
    const page = await admin.get('/admin/settings');
    expect(page.status).toBe(200);
    expect(page.text_).toContain(
      '<form class="stack settings" method="post" action="/admin/settings">',
    );
    expect(page.text_).toMatch(/name="_csrf" value="[^"]+"/);
    expect(page.text_).toMatch(/name="title" value="Latchkey"/);
    expect(page.text_).toMatch(/<option value="UTC" selected>/);
    expect(page.text_).toMatch(/name="latchkey_email_fallback" value="1" checked/);
    expect(page.text_).toMatch(/name="latchkey_application_passwords" value="1" checked/);
    expect(page.text_).toMatch(
      /name="latchkey_required_two_factor_roles" value="administrator"\s*\/>/,
    );
  });

  it('saves the form (unticked boxes turn settings off), audited, with a notice', async () => {
    await admin.get('/admin/settings');
    const saved = await admin.postForm('/admin/settings', form());
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/admin/settings?done=saved');
    const page = await admin.get('/admin/settings?done=saved');
    expect(page.text_).toContain('Settings saved.');
    expect(page.text_).toMatch(/name="title" value="Paged Site"/);
    expect(page.text_).toMatch(/<option value="America\/New_York" selected>/);
    expect(page.text_).toMatch(/name="latchkey_email_fallback" value="1"\s*\/>/);
    expect(page.text_).toMatch(/name="latchkey_required_two_factor_roles" value="author" checked/);
    expect((await current()).json).toEqual({
      title: 'Paged Site',
      description: 'Set from the form',
      timezone: 'America/New_York',
      latchkey_email_fallback: false,
      latchkey_required_two_factor_roles: ['author'],
      latchkey_application_passwords: true,
      latchkey_application_passwords_disabled_roles: ['subscriber'],
      latchkey_xmlrpc: true,
      latchkey_xmlrpc_account_passwords: false,
      users_can_register: false,
      default_role: 'subscriber',
    });
    const rows = await settingsAudit(server);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.credential).toMatch(/^session:/);
    expect(rows[0]!.details.changed).toEqual([
      'title',
      'description',
      'timezone',
      'latchkey_email_fallback',
      'latchkey_required_two_factor_roles',
      'latchkey_application_passwords_disabled_roles',
      'latchkey_xmlrpc_account_passwords',
    ]);

    // Several boxes of one group arrive as repeated fields.
    const body = new URLSearchParams({ _csrf: admin.lastCsrf! });
    for (const [k, v] of Object.entries(form())) if (v !== null) body.set(k, v);
    body.append('latchkey_required_two_factor_roles', 'contributor');
    const twice = await admin.request('/admin/settings', {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(twice.status).toBe(303);
    expect((await current()).json.latchkey_required_two_factor_roles).toEqual([
      'author',
      'contributor',
    ]);
    await admin.get('/admin/settings');
    const again = await admin.postForm(
      '/admin/settings',
      form({ latchkey_required_two_factor_roles: null }),
    );
    expect(again.headers.get('location')).toBe('/admin/settings?done=saved');
    expect((await current()).json.latchkey_required_two_factor_roles).toEqual([]);
  });

  it('shows validation errors on the page (400) and keeps the stored settings', async () => {
    const before = (await current()).json;
    await admin.get('/admin/settings');
    const bad = await admin.postForm(
      '/admin/settings',
      form({ timezone: 'Nowhere/Atlantis', title: '<script>x</script>' }),
    );
    expect(bad.status).toBe(400);
    expect(bad.text_).toContain('Invalid parameter(s): timezone');
    expect(bad.text_).toContain(
      'timezone is not a known time zone (for example UTC or Europe/Paris).',
    );
    // What was typed is kept, escaped.
    expect(bad.text_).toContain('value="&lt;script&gt;x&lt;/script&gt;"');
    expect(bad.text_).not.toContain('<script>x</script>');
    expect((await current()).json).toEqual(before);
  });

  it('applies the administrator rule with the reason on the page', async () => {
    await admin.get('/admin/settings');
    const refused = await admin.postForm(
      '/admin/settings',
      form({ latchkey_required_two_factor_roles: 'administrator' }),
    );
    expect(refused.status).toBe(400);
    expect(refused.text_).toContain(
      'Set up two-factor authentication for your own account before requiring it for administrators',
    );
    expect((await current()).json.latchkey_required_two_factor_roles).toEqual([]);

    await enableTotp(server, (await findUserById(server.latchkey.store.db, 1))!);
    await admin.get('/admin/settings');
    const accepted = await admin.postForm(
      '/admin/settings',
      form({ latchkey_required_two_factor_roles: 'administrator' }),
    );
    expect(accepted.status).toBe(303);
    expect((await admin.get('/admin/settings')).text_).toMatch(
      /name="latchkey_required_two_factor_roles" value="administrator" checked/,
    );
    expect((await settingsAudit(server)).at(-1)!.details).toMatchObject({
      changed: ['latchkey_required_two_factor_roles'],
      new: { latchkey_required_two_factor_roles: ['administrator'] },
    });
  });

  it('needs the CSRF token and manage_options; signed-out visitors go to sign in', async () => {
    const auditBefore = (await settingsAudit(server)).length;
    await admin.get('/admin/settings');
    expect((await admin.postForm('/admin/settings', form({ _csrf: null }))).status).toBe(403);
    expect((await admin.postForm('/admin/settings', form({ _csrf: 'forged' }))).status).toBe(403);
    expect(
      (
        await admin.postForm('/admin/settings', form(), {
          origin: 'https://evil.example',
        })
      ).status,
    ).toBe(403);

    await server.createUser('pageed', 'editor');
    const editor = new BrowserClient(server.url);
    await editor.signIn('pageed', 'deegap-Pass-1234');
    expect((await editor.get('/admin/settings')).status).toBe(403);
    await editor.get('/account');
    expect((await editor.postForm('/admin/settings', form({ title: 'Pwned' }))).status).toBe(403);
    expect((await editor.get('/admin/users')).text_).not.toContain('href="/admin/settings"');

    const anonymous = await new BrowserClient(server.url).get('/admin/settings');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/login?redirect_to=%2Fadmin%2Fsettings');
    expect((await current()).json.title).toBe('Paged Site');
    expect(await settingsAudit(server)).toHaveLength(auditBefore);
  });
});
