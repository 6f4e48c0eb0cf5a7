/**
 * SPEC §6.5's rules for new passwords (ASVS 6.2.4, 6.2.11, 6.2.12) over real HTTP on both
 * stores: REST creating a user and changing a password (cookie + nonce), the /account password
 * form and the administrators' create-user form each refuse a common password and one holding
 * the site's name, the login or the email, with a stable code and a message saying which rule.
 * Lost-password links and the CLI are covered in lostPassword.test.ts and cli.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserById, verifyAccountPassword } from '../../src/accounts/index.js';
import { restAs } from '../helpers/restSession.js';
import {
  ADMIN_PASSWORD,
  startTestServer,
  testPassword,
  type TestServer,
} from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

/** The refusal beside the new-password field of /account's form (issue 15). */
const newPasswordErrorOf = (page: string) =>
  /<p class="field-error" id="account-new-password-error">([^<]*)</.exec(page)?.[1];

describe.each(STORES)('new password rules, SPEC §6.5 ($name)', (store) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof restAs>>;
  beforeAll(async () => {
    server = await startTestServer({ store });
    admin = await restAs(server, 'admin', ADMIN_PASSWORD);
    const named = await admin.call('POST', '/wp/v2/settings', { title: 'Orchard Gate' });
    expect(named.status).toBe(200);
  });
  afterAll(() => server?.close());

  it('REST user creation refuses common and identity passwords with stable codes', async () => {
    const cases: [string, string, string][] = [
      ['sunshine1', 'latchkey_password_common', 'one of the most common passwords'],
      ['Hazel-is-here-1', 'latchkey_password_contains_identity', 'your username'],
      ['x hazel.nut@example.com', 'latchkey_password_contains_identity', 'your email address'],
      ['my ORCHARD GATE key', 'latchkey_password_contains_identity', 'the name of the site'],
    ];
    for (const [password, code, words] of cases) {
      const refused = await admin.call('POST', '/wp/v2/users', {
        username: 'hazel',
        email: 'hazel.nut@example.com',
        password,
      });
      expect(refused.status, password).toBe(400);
      expect(refused.json.code, password).toBe(code);
      expect(refused.json.message, password).toContain(words);
    }
    const ok = await admin.call('POST', '/wp/v2/users', {
      username: 'hazel',
      email: 'hazel.nut@example.com',
      password: 'lantern-moss-river-42',
    });
    expect(ok.status).toBe(201);
  });

  it('REST password change (cookie + nonce) refuses them and keeps the old password', async () => {
    const user = await server.createUser('quince', 'author');
    const self = await restAs(server, 'quince', testPassword('quince'));
    const common = await self.call('POST', '/wp/v2/users/me', { password: 'football1' });
    expect(common.status).toBe(400);
    expect(common.json.code).toBe('latchkey_password_common');
    const byAdmin = await admin.call('POST', `/wp/v2/users/${user.id}`, {
      password: 'Quince-2031-new',
    });
    expect(byAdmin.json.code).toBe('latchkey_password_contains_identity');
    const stored = (await findUserById(server.latchkey.store.db, user.id))!;
    expect(await verifyAccountPassword(stored.passwordHash, testPassword('quince'))).toBe(true);
  });

  it('the /account form says which rule the new password broke', async () => {
    await server.createUser('medlar', 'subscriber');
    const { browser } = await restAs(server, 'medlar', testPassword('medlar'));
    await browser.get('/account');
    const change = (next: string) =>
      browser.postForm('/account/password', {
        current_password: testPassword('medlar'),
        new_password: next,
        confirm_password: next,
      });
    const common = await change('iloveyou123');
    expect(common.status).toBe(400);
    expect(newPasswordErrorOf(common.text_)).toBe(
      'That password is one of the most common passwords. Choose another one.',
    );
    const own = await change('medlar@example.com!');
    expect(newPasswordErrorOf(own.text_)).toBe('The password must not contain your email address.');
    const site = await change('orchard gate rocks');
    expect(newPasswordErrorOf(site.text_)).toBe(
      'The password must not contain the name of the site.',
    );
    const ok = await change('lantern-moss-river-42');
    expect(ok.status).toBe(303);
  });
});
