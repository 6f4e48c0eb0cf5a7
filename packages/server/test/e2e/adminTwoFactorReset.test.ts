import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/index.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { codeNow, enableTotp, passwordStep, submitCode } from '../helpers/twoFactor.js';

describe.each(STORES)(
  'administrator resets a user’s two-factor on /admin/users/{id}, SPEC §6.3, §6.4 ($name)',
  (store) => {
    let server: TestServer;
    let admin: BrowserClient;
    let locked: User;
    let lockedBrowser: BrowserClient;
    const resetUrl = () => `/admin/users/${locked.id}/two-factor/reset`;
    const tf = () => server.latchkey.ctx.twoFactor;

    beforeAll(async () => {
      server = await startTestServer({ store });
      admin = new BrowserClient(server.url);
      await admin.signIn('admin', ADMIN_PASSWORD);
      locked = await server.createUser('locked', 'author');
      lockedBrowser = new BrowserClient(server.url);
      expect((await lockedBrowser.signIn('locked', 'dekcol-Pass-1234')).status).toBe(302);
      const secret = await enableTotp(server, locked);
      await tf().regenerateBackupCodes(locked);
      // A second browser signs in with the second factor: two sessions (plus the fixture's).
      const other = new BrowserClient(server.url);
      const { challenge } = await passwordStep(other, 'locked', 'dekcol-Pass-1234');
      expect((await submitCode(other, challenge, 'totp', codeNow(server, secret))).status).toBe(
        302,
      );
    });
    afterAll(() => server?.close());

    it('shows the user’s two-factor status as plain facts, with the reset form', async () => {
      const page = await admin.get(`/admin/users/${locked.id}`);
      expect(page.status).toBe(200);
      expect(page.text_).toContain('<h2 id="two-factor">Two-factor</h2>');
      expect(page.text_).toContain('data-two-factor="enabled"');
      expect(page.text_).toMatch(
        /Enabled methods<\/th>\s*<td>Authenticator app, Recovery code<\/td>/,
      );
      expect(page.text_).toMatch(/Primary method<\/th>\s*<td>Authenticator app<\/td>/);
      expect(page.text_).toContain('10 recovery codes left');
      expect(page.text_).toMatch(/Security keys<\/th>\s*<td>0<\/td>/);
      // The warning addressed to the owner is not shown to the administrator.
      expect(page.text_).not.toContain('You have 10 recovery codes left.');
      expect(page.text_).toContain(`action="/admin/users/${locked.id}/two-factor/reset"`);
      expect(page.text_).toContain('name="confirm"');
      expect(page.text_).toContain('Reset two-factor');

      // A user without a factor: status says so, and there is nothing to reset.
      const plain = await server.createUser('plain', 'subscriber');
      const plainPage = await admin.get(`/admin/users/${plain.id}`);
      expect(plainPage.text_).toContain('data-two-factor="none"');
      expect(plainPage.text_).toContain('none: signs in with the password only');
      expect(plainPage.text_).not.toContain('/two-factor/reset');
    });

    it('refuses without the confirmation box, without the CSRF token, and for non-administrators', async () => {
      await admin.get(`/admin/users/${locked.id}`);
      const unconfirmed = await admin.postForm(resetUrl(), {});
      expect(unconfirmed.status).toBe(400);
      expect(unconfirmed.text_).toContain('Tick the box to confirm the reset.');
      expect((await admin.postForm(resetUrl(), { confirm: '1', _csrf: null })).status).toBe(403);
      expect((await admin.postForm(resetUrl(), { confirm: '1', _csrf: 'forged' })).status).toBe(
        403,
      );

      await server.createUser('boss', 'editor');
      const editor = new BrowserClient(server.url);
      await editor.signIn('boss', 'ssob-Pass-1234');
      expect((await editor.get(`/admin/users/${locked.id}`)).status).toBe(403);
      await editor.get('/account');
      expect((await editor.postForm(resetUrl(), { confirm: '1' })).status).toBe(403);

      expect((await tf().status(locked)).enabled).toEqual(['totp', 'backup_codes']);
      expect((await lockedBrowser.get('/account')).status).toBe(200);
      const audits = await server.latchkey.store.db
        .selectFrom('audit_events')
        .select('id')
        .where('event', '=', 'two_factor.reset')
        .execute();
      expect(audits).toEqual([]);
    });

    it('resets every factor, ends all the user’s sessions and records two_factor.reset', async () => {
      const db = server.latchkey.store.db;
      const sessionsBefore = await db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', locked.id)
        .execute();
      expect(sessionsBefore.length).toBe(3);

      await admin.get(`/admin/users/${locked.id}`);
      const reset = await admin.postForm(resetUrl(), { confirm: '1' });
      expect(reset.status).toBe(303);
      expect(reset.headers.get('location')).toBe(`/admin/users/${locked.id}?done=two_factor_reset`);
      const page = await admin.get(reset.headers.get('location')!);
      expect(page.text_).toContain(
        'Two-factor authentication of this user was reset; their sessions were ended.',
      );
      expect(page.text_).toContain('data-two-factor="none"');
      expect(page.text_).not.toContain('/two-factor/reset"');

      expect(await tf().status(locked)).toEqual({
        enabled: [],
        primary: null,
        available: [],
        backup_codes_remaining: 0,
        webauthn: [],
      });
      expect(
        await db.selectFrom('sessions').select('id').where('user_id', '=', locked.id).execute(),
      ).toEqual([]);
      expect((await lockedBrowser.get('/account')).status).toBe(302);

      const row = await db
        .selectFrom('audit_events')
        .selectAll()
        .where('event', '=', 'two_factor.reset')
        .executeTakeFirstOrThrow();
      expect(Number(row.user_id)).toBe(locked.id);
      expect(row.credential).toMatch(/^session:/);
      expect(JSON.parse(row.details)).toEqual({
        by: 1,
        providers: ['totp', 'backup_codes'],
        sessions_ended: 3,
      });

      // The password alone signs in now.
      const again = new BrowserClient(server.url);
      expect((await again.signIn('locked', 'dekcol-Pass-1234')).status).toBe(302);
    });

    it('asks the administrator to confirm their password first when the sign-in is not recent', async () => {
      await enableTotp(server, locked);
      await admin.get(`/admin/users/${locked.id}`);
      server.clock.advance(11 * 60_000);
      const stale = await admin.postForm(resetUrl(), { confirm: '1' });
      expect(stale.status).toBe(303);
      expect(stale.headers.get('location')).toBe(
        `/login/reauth?redirect_to=${encodeURIComponent(`/admin/users/${locked.id}#two-factor`)}`,
      );
      expect((await tf().status(locked)).enabled).toEqual(['totp']);
    });
  },
);
