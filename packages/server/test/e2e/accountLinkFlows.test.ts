/**
 * Registration, invitations, administrators editing people, and email change (SPEC §12), over
 * real HTTP on both stores with a real SMTP peer: each flow from the link in the mail, no
 * enumeration at /register, refused links, limits, CSRF on every new form, a link spent once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserById, findUserByLoginOrEmail } from '../../src/accounts/index.js';
import { writeSettings } from '../../src/settings/index.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { keyOf, linkIn, mailTo, readMail } from '../helpers/mailLinks.js';
import { restAs } from '../helpers/restSession.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { STORES } from '../helpers/stores.js';

const RESET = '/login/reset-password';
const CONFIRM = '/account/email/confirm';
const SAME_ANSWER =
  'If that username and email address could be registered, we emailed a link to set your password. It works once, within 24 hours.';

const reasonOf = (page: string) => /id="link-refused" data-reason="([a-z]+)"/.exec(page)?.[1];
const flashOf = (page: string) =>
  /<p class="(?:notice|error)" role="[a-z]+"[^>]*>([^<]*)</.exec(page)?.[1];

describe.each(STORES)(
  'registration, invitations, admin edits, email change, SPEC §12 ($name)',
  (store) => {
    let server: TestServer;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let admin: BrowserClient;
    let n = 0;
    beforeAll(async () => {
      smtp = await startSmtpServer();
      server = await startTestServer({
        store,
        config: { smtpUrl: smtp.url, trustProxy: '127.0.0.1/32' },
      });
      admin = new BrowserClient(server.url, 'admin browser');
      // Remembered (14 idle days, SPEC §6.5): a test moving the clock by a day keeps it.
      expect((await admin.signIn('admin', ADMIN_PASSWORD, { rememberme: 'forever' })).status).toBe(
        302,
      );
    });
    afterAll(async () => {
      await server?.close();
      await smtp?.close();
    });
    const db = () => server.latchkey.store.db;
    /** A signed-out browser at its own client address. */
    const visitor = () => {
      const ip = `203.0.113.${++n}`;
      const browser = new BrowserClient(server.url, `visitor ${ip}`);
      const headers = { 'x-forwarded-for': ip };
      return {
        ip,
        browser,
        get: (p: string) => browser.get(p, headers),
        post: (p: string, f: Record<string, string | null>, extra: Record<string, string> = {}) =>
          browser.postForm(p, f, { ...headers, ...extra }),
      };
    };
    const setPassword = async (v: ReturnType<typeof visitor>, link: string, pass: string) => {
      const form = await v.get(link);
      expect(form.status).toBe(200);
      const url = new URL(link, server.url);
      return v.post(RESET, {
        key: url.searchParams.get('key')!,
        login: url.searchParams.get('login')!,
        pass1: pass,
        pass2: pass,
      });
    };

    describe('registration', () => {
      it('is off by default: /register refuses, the setting is on /admin/settings and wp/v2/settings', async () => {
        const v = visitor();
        const closed = await v.get('/register');
        expect(closed.status).toBe(403);
        expect(closed.text_).toContain('id="registration-closed"');
        const settings = await admin.get('/admin/settings');
        expect(settings.text_).toContain('name="users_can_register"');
        expect(settings.text_).toContain('name="default_role"');
        expect(settings.text_).not.toContain('<option value="administrator"');
        const rest = await restAs(server, 'admin', ADMIN_PASSWORD);
        expect((await rest.call('GET', '/wp/v2/settings')).json).toMatchObject({
          users_can_register: false,
          default_role: 'subscriber',
        });
        // Never administrator, by REST or by the form.
        const refused = await rest.call('POST', '/wp/v2/settings', {
          default_role: 'administrator',
        });
        expect(refused.status).toBe(400);
        expect(refused.json.data.params.default_role).toMatch(/not one of/);
        await admin.get('/admin/settings');
        const form = await admin.postForm('/admin/settings', {
          title: 'Latchkey',
          description: '',
          timezone: 'UTC',
          latchkey_email_fallback: '1',
          latchkey_application_passwords: '1',
          latchkey_xmlrpc: '1',
          latchkey_xmlrpc_account_passwords: '1',
          default_role: 'administrator',
          users_can_register: '1',
        });
        expect(form.status).toBe(400);
        const on = await rest.call('POST', '/wp/v2/settings', {
          users_can_register: true,
          default_role: 'author',
        });
        expect(on.status).toBe(200);
        expect(on.json).toMatchObject({ users_can_register: true, default_role: 'author' });
        // The sign-in page now offers registration.
        expect((await v.get('/login')).text_).toContain('href="/register"');
      });

      it('end to end: login and email, the mailed link sets the password and verifies the address; required two-factor applies at first sign-in', async () => {
        await writeSettings(db(), {
          usersCanRegister: true,
          defaultRole: 'author',
          requiredTwoFactorRoles: ['author'],
        });
        const v = visitor();
        await v.get('/register');
        const answer = await v.post('/register', {
          user_login: 'newbie',
          user_email: 'newbie@example.net',
        });
        expect(answer.status).toBe(200);
        expect(flashOf(answer.text_)).toBe(SAME_ANSWER);
        const [mail] = await smtp.waitFor(
          1,
          mailTo('newbie@example.net', 'Finish your registration'),
        );
        expect(readMail(mail!).text).toMatch(
          new RegExp(`IP address: +${v.ip.replaceAll('.', '\\.')}`),
        );
        const user = (await findUserByLoginOrEmail(db(), 'newbie'))!;
        expect(user.role).toBe('author');
        expect(user.emailVerifiedAt).toBeNull();
        // No usable password until the link is used.
        expect((await new BrowserClient(server.url).signIn('newbie', '!unset')).status).toBe(200);
        const link = linkIn(mail!, RESET);
        const done = await setPassword(v, link, 'Eibwen-pass-123');
        expect(done.status).toBe(303);
        expect(done.headers.get('location')).toBe('/login?notice=password_set');
        expect((await findUserById(db(), user.id))!.emailVerifiedAt).not.toBeNull();
        const first = new BrowserClient(server.url);
        const signIn = await first.signIn('newbie', 'Eibwen-pass-123');
        expect(signIn.status).toBe(302);
        expect(signIn.headers.get('location')).toBe('/account/two-factor');
        expect(reasonOf((await v.get(link)).text_)).toBe('used');
        await writeSettings(db(), { requiredTwoFactorRoles: [] });
      });

      it('answers a taken login or email exactly like a new account; the owner of a taken address is told', async () => {
        await writeSettings(db(), { usersCanRegister: true, defaultRole: 'subscriber' });
        await server.createUser('taken', 'editor');
        const v = visitor();
        await v.get('/register');
        const answers = [
          await v.post('/register', { user_login: 'fresh1', user_email: 'fresh1@example.net' }),
          await v.post('/register', { user_login: 'TAKEN', user_email: 'other@example.net' }),
          await v.post('/register', { user_login: 'fresh2', user_email: 'Taken@Example.com' }),
        ];
        expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
        expect(new Set(answers.map((a) => a.text_)).size).toBe(1);
        await smtp.waitFor(1, mailTo('fresh1@example.net', 'Finish your registration'));
        const [notice] = await smtp.waitFor(1, mailTo('taken@example.com', 'Registration attempt'));
        expect(readMail(notice!).text).toContain('/login/lost-password');
        expect(await findUserByLoginOrEmail(db(), 'fresh2')).toBeUndefined();
        expect((await findUserByLoginOrEmail(db(), 'taken'))!.role).toBe('editor');
        expect(smtp.messages.filter(mailTo('other@example.net'))).toEqual([]);
        // Only a malformed login or address is named, which says nothing about who is registered.
        const bad = await v.post('/register', { user_login: 'x', user_email: 'not-an-address' });
        expect(bad.status).toBe(400);
      });

      it('refuses without CSRF (403) and holds §7 per address (429)', async () => {
        await writeSettings(db(), { usersCanRegister: true });
        const v = visitor();
        await v.get('/register');
        expect(
          (
            await v.post('/register', {
              user_login: 'c1',
              user_email: 'c1@example.net',
              _csrf: null,
            })
          ).status,
        ).toBe(403);
        expect(
          (
            await v.post('/register', {
              user_login: 'c1',
              user_email: 'c1@example.net',
              _csrf: 'x',
            })
          ).status,
        ).toBe(403);
        const answers = await Promise.all(
          Array.from({ length: 31 }, (_, i) =>
            v.post('/register', { user_login: `bulk${i}`, user_email: `bulk${i}@example.net` }),
          ),
        );
        expect(answers.filter((a) => a.status === 429)).toHaveLength(1);
        expect(await findUserByLoginOrEmail(db(), 'c1')).toBeUndefined();
      });
    });

    describe('invitations', () => {
      it('the admin page invites when the password is left empty; resend supersedes, cancel asks first and voids', async () => {
        await admin.get('/admin/users');
        const created = await admin.postForm('/admin/users', {
          login: 'guest',
          email: 'guest@example.org',
          password: '',
          role: 'author',
        });
        expect(created.status).toBe(303);
        expect(created.headers.get('location')).toMatch(/\/admin\/users\/\d+\?done=invited$/);
        const [first] = await smtp.waitFor(1, mailTo('guest@example.org', 'You have been invited'));
        const firstLink = linkIn(first!, RESET);
        const guest = (await findUserByLoginOrEmail(db(), 'guest'))!;
        const list = await admin.get('/admin/users');
        expect(list.text_).toContain('data-invited="guest"');
        const page = await admin.get(`/admin/users/${guest.id}`);
        expect(page.text_).toContain('id="invitation-state"');
        expect(
          (await admin.postForm(`/admin/users/${guest.id}/invitation`, { _csrf: null })).status,
        ).toBe(403);
        expect((await admin.postForm(`/admin/users/${guest.id}/invitation`, {})).status).toBe(303);
        const [, second] = await smtp.waitFor(
          2,
          mailTo('guest@example.org', 'You have been invited'),
        );
        const v = visitor();
        expect(reasonOf((await v.get(firstLink)).text_)).toBe('superseded');
        const secondLink = linkIn(second!, RESET);
        expect((await v.get(secondLink)).text_).toContain('Set your password');
        // Cancelling shows a confirmation first; only its POST cancels.
        const confirm = await admin.get(`/admin/users/${guest.id}/invitation/cancel`);
        expect(confirm.status).toBe(200);
        expect(confirm.text_).toContain('id="confirm-cancel-invitation"');
        expect((await v.get(secondLink)).status).toBe(200);
        expect(
          (await admin.postForm(`/admin/users/${guest.id}/invitation/cancel`, { _csrf: 'nope' }))
            .status,
        ).toBe(403);
        const cancelled = await admin.postForm(`/admin/users/${guest.id}/invitation/cancel`, {});
        expect(cancelled.headers.get('location')).toBe(
          `/admin/users/${guest.id}?done=invitation_cancelled`,
        );
        expect(reasonOf((await v.get(secondLink)).text_)).toBe('superseded');
        expect((await admin.get('/admin/users')).text_).not.toContain('data-invited="guest"');
        // Invited again, the link works end to end, and expires after 24 hours.
        await admin.get(`/admin/users/${guest.id}`);
        await admin.postForm(`/admin/users/${guest.id}/invitation`, {});
        const [, , third] = await smtp.waitFor(
          3,
          mailTo('guest@example.org', 'You have been invited'),
        );
        const thirdLink = linkIn(third!, RESET);
        expect((await setPassword(v, thirdLink, 'Tseug-pass-1234')).status).toBe(303);
        expect(
          (await new BrowserClient(server.url).signIn('guest', 'Tseug-pass-1234')).status,
        ).toBe(302);
      });

      it('REST wp/v2/users without a password invites (24 h); the CLI path is covered in cli tests', async () => {
        const rest = await restAs(server, 'admin', ADMIN_PASSWORD);
        const created = await rest.call('POST', '/wp/v2/users', {
          username: 'restguest',
          email: 'restguest@example.org',
        });
        expect(created.status).toBe(201);
        const [mail] = await smtp.waitFor(
          1,
          mailTo('restguest@example.org', 'You have been invited'),
        );
        const link = linkIn(mail!, RESET);
        const row = await db()
          .selectFrom('account_links')
          .selectAll()
          .where('user_id', '=', created.json.id)
          .executeTakeFirstOrThrow();
        expect(Number(row.expires) - Number(row.created)).toBe(24 * 3600_000);
        server.clock.advance(24 * 3600_000 + 1000);
        expect(reasonOf((await visitor().get(link)).text_)).toBe('expired');
      });
    });

    describe('administrators edit people', () => {
      it('names and email change at once (the old address is told); "Send password reset link" sends the self-service mail', async () => {
        const ed = await server.createUser('edme', 'author');
        await admin.get(`/admin/users/${ed.id}`);
        expect(
          (
            await admin.postForm(`/admin/users/${ed.id}/profile`, {
              display_name: 'X',
              email: ed.email,
              _csrf: null,
            })
          ).status,
        ).toBe(403);
        const saved = await admin.postForm(`/admin/users/${ed.id}/profile`, {
          first_name: 'Edna',
          last_name: 'Mode',
          display_name: 'Edna M.',
          email: 'edna@example.org',
        });
        expect(saved.status).toBe(303);
        const after = (await findUserById(db(), ed.id))!;
        expect(after).toMatchObject({
          firstName: 'Edna',
          lastName: 'Mode',
          displayName: 'Edna M.',
          email: 'edna@example.org',
        });
        const [told] = await smtp.waitFor(
          1,
          mailTo('edme@example.com', 'Your email address was changed'),
        );
        expect(readMail(told!).text).toContain('An administrator');
        await admin.get(`/admin/users/${ed.id}`);
        expect(
          (await admin.postForm(`/admin/users/${ed.id}/send-reset`, { _csrf: null })).status,
        ).toBe(403);
        expect((await admin.postForm(`/admin/users/${ed.id}/send-reset`, {})).status).toBe(303);
        const [reset] = await smtp.waitFor(1, mailTo('edna@example.org', 'Password reset'));
        const v = visitor();
        expect((await setPassword(v, linkIn(reset!, RESET), 'Edna-pass-1234')).status).toBe(303);
        // The same 3 per hour as the self-service form.
        for (let i = 0; i < 2; i++) {
          await admin.get(`/admin/users/${ed.id}`);
          expect((await admin.postForm(`/admin/users/${ed.id}/send-reset`, {})).status).toBe(303);
        }
        await admin.get(`/admin/users/${ed.id}`);
        expect((await admin.postForm(`/admin/users/${ed.id}/send-reset`, {})).status).toBe(429);
        // Role is edited on the same page (the existing form), never by someone without the right.
        const editor = await server.createUser('plainauthor', 'author');
        const other = new BrowserClient(server.url);
        await other.signIn('plainauthor', 'rohtuanialp-Pass-1234');
        await other.get('/account');
        expect(
          (
            await other.postForm(`/admin/users/${ed.id}/profile`, {
              display_name: 'Hacked',
              email: 'evil@example.net',
            })
          ).status,
        ).toBe(403);
        expect((await other.postForm(`/admin/users/${ed.id}/send-reset`, {})).status).toBe(403);
        expect((await findUserById(db(), ed.id))!.email).toBe('edna@example.org');
        expect(editor.role).toBe('author');
      });
    });

    describe('email change', () => {
      it('on /account: takes effect only when the link mailed to the new address is opened; the old one is told; pending is shown and can be cancelled', async () => {
        const em = await server.createUser('emily', 'author');
        const b = new BrowserClient(server.url, 'emily');
        await b.signIn('emily', 'ylime-Pass-1234');
        await b.get('/account');
        expect(
          (
            await b.postForm('/account/profile', {
              display_name: 'Emily',
              email: 'new@example.org',
              _csrf: null,
            })
          ).status,
        ).toBe(403);
        const asked = await b.postForm('/account/profile', {
          display_name: 'Emily',
          email: 'new@example.org',
        });
        expect(asked.headers.get('location')).toBe('/account?done=email_change_sent');
        expect((await findUserById(db(), em.id))!.email).toBe('emily@example.com');
        const account = await b.get('/account');
        expect(account.text_).toContain('id="pending-email-change"');
        expect(account.text_).toContain('new@example.org');
        const [mail] = await smtp.waitFor(
          1,
          mailTo('new@example.org', 'Confirm your new email address'),
        );
        const link = linkIn(mail!, CONFIRM);
        // Cancel, then ask again: the first link is dead.
        expect((await b.postForm('/account/email/cancel', { _csrf: null })).status).toBe(403);
        expect((await b.postForm('/account/email/cancel', {})).headers.get('location')).toBe(
          '/account?done=email_change_cancelled#profile',
        );
        expect((await b.get('/account')).text_).not.toContain('id="pending-email-change"');
        const v = visitor();
        expect(reasonOf((await v.get(link)).text_)).toBe('superseded');
        await b.get('/account');
        await b.postForm('/account/profile', { display_name: 'Emily', email: 'new@example.org' });
        const [, again] = await smtp.waitFor(
          2,
          mailTo('new@example.org', 'Confirm your new email address'),
        );
        const link2 = linkIn(again!, CONFIRM);
        const confirm = await v.get(link2);
        expect(confirm.status).toBe(200);
        expect(confirm.text_).toContain('id="new-email">new@example.org<');
        expect((await v.post(CONFIRM, { key: keyOf(link2), _csrf: null })).status).toBe(403);
        // Two concurrent submissions: exactly one moves the address.
        const both = await Promise.all([
          v.post(CONFIRM, { key: keyOf(link2) }),
          v.post(CONFIRM, { key: keyOf(link2) }),
        ]);
        expect(both.map((r) => r.status).sort()).toEqual([200, 400]);
        expect(reasonOf(both.find((r) => r.status === 400)!.text_)).toBe('used');
        const moved = (await findUserById(db(), em.id))!;
        expect(moved.email).toBe('new@example.org');
        expect(moved.emailVerifiedAt).not.toBeNull();
        const [old] = await smtp.waitFor(
          1,
          mailTo('emily@example.com', 'Your email address was changed'),
        );
        // The address is shown as text that mail clients do not turn into a link.
        expect(readMail(old!).text.replaceAll('\u200b', '')).toContain('new@example.org');
        expect(readMail(old!).text).not.toContain('An administrator');
      });

      it('on /account an email change needs a sign-in within 10 minutes; REST users/me follows the same confirmation', async () => {
        await server.createUser('remy', 'author');
        const rest = await restAs(server, 'remy', 'ymer-Pass-1234');
        const changed = await rest.call('POST', '/wp/v2/users/me', {
          email: 'remy.new@example.org',
        });
        expect(changed.status).toBe(200);
        expect(changed.json.email).toBe('remy@example.com');
        const [mail] = await smtp.waitFor(
          1,
          mailTo('remy.new@example.org', 'Confirm your new email address'),
        );
        const v = visitor();
        await v.get(linkIn(mail!, CONFIRM));
        expect((await v.post(CONFIRM, { key: keyOf(linkIn(mail!, CONFIRM)) })).status).toBe(200);
        expect((await findUserByLoginOrEmail(db(), 'remy'))!.email).toBe('remy.new@example.org');
        // Later than 10 minutes after the sign-in, the page sends the person to confirm first.
        server.clock.advance(11 * 60_000);
        await rest.browser.get('/account');
        const stale = await rest.browser.postForm('/account/profile', {
          display_name: 'remy',
          email: 'remy.third@example.org',
        });
        expect(stale.status).toBe(303);
        expect(stale.headers.get('location')).toMatch(/^\/login\/reauth\?redirect_to=/);
        const staleRest = await rest.call('POST', '/wp/v2/users/me', {
          email: 'remy.third@example.org',
        });
        expect(staleRest.status).toBe(403);
        expect(staleRest.json.code).toBe('latchkey_reauth_required');
      });

      it('an administrator changing another user’s email over REST skips the confirmation and tells the old address', async () => {
        const target = await server.createUser('moved', 'author');
        const rest = await restAs(server, 'admin', ADMIN_PASSWORD);
        const r = await rest.call('POST', `/wp/v2/users/${target.id}`, {
          email: 'moved.elsewhere@example.org',
        });
        expect(r.status).toBe(200);
        expect(r.json.email).toBe('moved.elsewhere@example.org');
        await smtp.waitFor(1, mailTo('moved@example.com', 'Your email address was changed'));
      });
    });
  },
);
