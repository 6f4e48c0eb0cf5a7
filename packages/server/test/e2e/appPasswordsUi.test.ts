import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, basic } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { startSmtpServer, textPart } from '../helpers/smtp.js';
import { STORES } from '../helpers/stores.js';

const passwordOnPage = (html: string) =>
  /<code id="new-application-password" class="secret">([^<]+)<\/code>/.exec(html)?.[1];

const SUITE = 'application passwords in the account pages, SPEC §3.1, §3.4, §5, §6.1, §6.2 ($name)';

describe.each(STORES)(SUITE, (store) => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ store, config: { smtpUrl: smtp.url } });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('creates one, shows it once, lists it without the secret, mails the owner, and revokes it', async () => {
    await server.createUser('pagey', 'author');
    const browser = new BrowserClient(server.url);
    await browser.signIn('pagey', 'yegap-Pass-1234');
    await browser.get('/account');
    const before = smtp.messages.length;
    const created = await browser.postForm(
      '/account/application-passwords',
      { name: 'My <script>alert(1)</script> app' },
      { 'user-agent': 'Agent <b>X</b>' },
    );
    expect(created.status).toBe(200);
    const password = passwordOnPage(created.text_)!;
    expect(password).toMatch(/^([A-Za-z0-9]{4} ){5}[A-Za-z0-9]{4}$/);
    expect(created.text_).toContain('it will not be shown again');
    expect(created.text_).toContain('My alert(1) app');
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(
      (await api(server, 'GET', '/wp/v2/users/me?_fields=id', { auth: basic('pagey', password) }))
        .status,
    ).toBe(200);

    const account = await browser.get('/account');
    expect(account.text_).toContain('My alert(1) app');
    expect(account.text_).not.toContain(password);
    expect(account.text_).not.toContain(password.replaceAll(' ', ''));

    await smtp.waitFor(before + 1);
    const mail = smtp.messages[before]!;
    expect(mail.to).toEqual(['pagey@example.com']);
    const text = textPart(mail.raw);
    expect(text).toMatch(/Subject: \[Latchkey\] New application password created/);
    expect(text).toContain('127.0.0.1');
    expect(text).not.toContain(password);
    expect(text).not.toContain(password.replaceAll(' ', ''));
    // The user agent is attacker-chosen text: escaped in the HTML part.
    expect(text).toContain('Agent &lt;b&gt;X&lt;/b&gt;');

    const uuid = /data-uuid="([0-9a-f-]{36})"/.exec(account.text_)![1]!;
    const activity = await browser.get(`/account/application-passwords/${uuid}`);
    expect(activity.status).toBe(200);
    expect(activity.text_).toContain('app_password.created');
    const revoked = await browser.postForm(`/account/application-passwords/${uuid}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect(
      (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('pagey', password) })).status,
    ).toBe(401);
    // The notice names the password (read from the revoke's audit record).
    expect((await browser.get(revoked.headers.get('location')!)).text_).toMatch(
      /Application password “[^”]+” revoked\./,
    );
  });

  it('chooses scope, ceiling and expiry in the form; the list shows them, and expired ones are marked', async () => {
    await server.createUser('chooser', 'editor');
    const browser = new BrowserClient(server.url);
    await browser.signIn('chooser', 'resoohc-Pass-1234', { rememberme: 'forever' });
    const form = await browser.get('/account');
    expect(form.text_).toContain('<option value="author">Author</option>');
    expect(form.text_).not.toContain('<option value="administrator">');
    const expires = new Date(server.clock.now + 2 * 24 * 3600_000).toISOString().slice(0, 10);
    const created = await browser.postForm('/account/application-passwords', {
      name: 'narrow',
      scope: 'content',
      role_ceiling: 'author',
      expires,
    });
    const password = passwordOnPage(created.text_)!;
    const introspect = await api(server, 'GET', '/wp/v2/users/me', {
      auth: basic('chooser', password),
    });
    expect(introspect.status).toBe(200);
    const row = (await browser.get('/account')).text_;
    // The date as it was picked, not the next midnight it is stored as.
    expect(row).toMatch(/content only, as Author, through \d{1,2} \w+ \d{4}/);
    await browser.get('/account');
    const tooHigh = await browser.postForm('/account/application-passwords', {
      name: 'wide',
      role_ceiling: 'administrator',
    });
    expect(tooHigh.status).toBe(400);
    server.clock.advance(3 * 24 * 3600_000);
    try {
      expect((await browser.get('/account')).text_).toContain('<span class="tag">expired</span>');
      const expired = await api(server, 'GET', '/wp/v2/users/me', {
        auth: basic('chooser', password),
      });
      expect(expired.json.data.reason).toBe('expired');
    } finally {
      server.clock.advance(-3 * 24 * 3600_000);
    }
  });

  it('asks for the password again before creating when the sign-in is older than 10 minutes', async () => {
    await server.createUser('stepper', 'author');
    const browser = new BrowserClient(server.url);
    await browser.signIn('stepper', 'reppets-Pass-1234');
    server.clock.advance(11 * 60_000);
    try {
      await browser.get('/account');
      const refused = await browser.postForm('/account/application-passwords', { name: 'later' });
      expect(refused.status).toBe(303);
      expect(refused.headers.get('location')).toBe(
        '/login/reauth?redirect_to=%2Faccount%23application-passwords',
      );
      await browser.get('/login/reauth?redirect_to=%2Faccount%23application-passwords');
      const wrong = await browser.postForm('/login/reauth', {
        pwd: 'nope',
        redirect_to: '/account#application-passwords',
      });
      expect(wrong.text_).toContain('That password is not correct.');
      const right = await browser.postForm('/login/reauth', {
        pwd: 'reppets-Pass-1234',
        redirect_to: 'https://evil.example/',
      });
      expect(right.status).toBe(303);
      expect(right.headers.get('location')).toBe('/account');
      await browser.get('/account');
      const created = await browser.postForm('/account/application-passwords', { name: 'now' });
      expect(passwordOnPage(created.text_)).toBeDefined();
      // The REST route applies the same rule to cookie callers.
      server.clock.advance(11 * 60_000);
      const nonce = await browser.restNonce();
      const rest = await browser.request('/wp-json/wp/v2/users/me/application-passwords', {
        method: 'POST',
        body: '{"name":"x"}',
        headers: { 'content-type': 'application/json', 'x-wp-nonce': nonce },
      });
      expect(rest.status).toBe(403);
      expect(JSON.parse(rest.text_)).toMatchObject({
        code: 'latchkey_reauth_required',
        data: { status: 403, reauth_url: expect.stringMatching(/^\/login\/reauth\?redirect_to=/) },
      });
    } finally {
      server.clock.advance(-22 * 60_000);
    }
  });

  it('revoke all needs the confirmation box; a password change can revoke them too', async () => {
    await server.createUser('bulk', 'author');
    const browser = new BrowserClient(server.url);
    await browser.signIn('bulk', 'klub-Pass-1234');
    const passwords: string[] = [];
    for (const name of ['one', 'two', 'three']) {
      await browser.get('/account');
      passwords.push(
        passwordOnPage((await browser.postForm('/account/application-passwords', { name })).text_)!,
      );
    }
    await browser.get('/account');
    expect((await browser.postForm('/account/application-passwords/revoke-all', {})).status).toBe(
      400,
    );
    expect(
      (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('bulk', passwords[0]!) })).status,
    ).toBe(200);
    await browser.get('/account');
    expect(
      (await browser.postForm('/account/application-passwords/revoke-all', { confirm: 'yes' }))
        .status,
    ).toBe(303);
    for (const p of passwords)
      expect((await api(server, 'GET', '/wp/v2/users/me', { auth: basic('bulk', p) })).status).toBe(
        401,
      );

    await browser.get('/account');
    const again = passwordOnPage(
      (await browser.postForm('/account/application-passwords', { name: 'four' })).text_,
    )!;
    await browser.get('/account');
    const changed = await browser.postForm('/account/password', {
      current_password: 'klub-Pass-1234',
      new_password: 'klub-Pass-5678',
      confirm_password: 'klub-Pass-5678',
      revoke_app_passwords: 'yes',
    });
    expect(changed.headers.get('location')).toBe('/account?done=password_and_app_passwords');
    expect(
      (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('bulk', again) })).status,
    ).toBe(401);
  });

  it('an administrator manages another user’s passwords; an editor cannot', async () => {
    const target = await server.createUser('managed', 'author');
    await server.createUser('eddy', 'editor');
    const admin = new BrowserClient(server.url);
    await admin.signIn('admin', ADMIN_PASSWORD);
    await admin.get(`/admin/users/${target.id}`);
    const created = await admin.postForm(`/admin/users/${target.id}/application-passwords`, {
      name: 'made by admin',
    });
    const password = passwordOnPage(created.text_)!;
    expect(
      (await api(server, 'GET', '/wp/v2/users/me?_fields=id', { auth: basic('managed', password) }))
        .json,
    ).toEqual({ id: target.id });
    const page = await admin.get(`/admin/users/${target.id}`);
    expect(page.text_).toContain('made by admin');
    // One revoke: the browser lands at the section, whose notice names the password (from the
    // revoke's audit record, as on /account), with no banner at the top.
    const second = passwordOnPage(
      (
        await admin.postForm(`/admin/users/${target.id}/application-passwords`, {
          name: 'Lab tablet',
        })
      ).text_,
    )!;
    const listed = await admin.get(`/admin/users/${target.id}`);
    const row = listed.text_.split('<tr').find((r) => r.includes('Lab tablet')) ?? '';
    const uuid = /data-uuid="([0-9a-f-]{36})"/.exec(row)?.[1];
    expect(uuid).toBeDefined();
    const revoked = await admin.postForm(
      `/admin/users/${target.id}/application-passwords/${uuid}/revoke`,
      {},
    );
    const location = revoked.headers.get('location')!;
    expect(location).toMatch(/#application-passwords$/);
    const after = await admin.get(location);
    expect(/id="application-passwords-notice">([^<]*)</.exec(after.text_)?.[1]).toBe(
      'Application password “Lab tablet” revoked.',
    );
    expect(after.text_).not.toMatch(/<p class="notice" role="status">/);
    expect(
      (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('managed', second) })).status,
    ).toBe(401);
    await admin.postForm(`/admin/users/${target.id}/application-passwords/revoke-all`, {
      confirm: 'yes',
    });
    expect(
      (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('managed', password) })).status,
    ).toBe(401);

    const editor = new BrowserClient(server.url);
    await editor.signIn('eddy', 'ydde-Pass-1234');
    await editor.get('/account');
    expect(
      (await editor.postForm(`/admin/users/1/application-passwords`, { name: 'sneaky' })).status,
    ).toBe(403);
  });
});

describe('without SMTP_URL the notice lands in the outbox, SPEC §3.4, §10', () => {
  it('writes an .eml file for the owner', async () => {
    // The server's data folder outlives it: close() returns only after the mailer has finished
    // every message, so the outbox is complete then, and a second notice would be counted.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-outbox-'));
    try {
      const server = await startTestServer({ store: STORES[0]!, dataDir });
      try {
        const browser = new BrowserClient(server.url);
        await browser.signIn('admin', ADMIN_PASSWORD);
        await browser.get('/account');
        await browser.postForm('/account/application-passwords', { name: 'outbox test' });
      } finally {
        await server.close();
      }
      const dir = path.join(dataDir, 'outbox');
      const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
      expect(files).toHaveLength(1);
      const raw = readFileSync(path.join(dir, files[0]!), 'utf8');
      expect(raw).toMatch(/^To: admin@localhost\.localdomain/m);
      expect(textPart(raw)).toContain('outbox test');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
