import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSettings } from '../../src/settings/index.js';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { restAs } from '../helpers/restSession.js';
import { startSmtpServer, textPart } from '../helpers/smtp.js';
import { STORES } from '../helpers/stores.js';
import { codeNow, enableTotp, passwordStep, submitCode } from '../helpers/twoFactor.js';

/**
 * Regressions for the findings of the security review (each fails if its fix is removed). The
 * findings touch many modules, so each test names the SPEC section it holds to.
 */
const SUITE = 'security review regressions, SPEC §3.2, §5, §6.2–§6.5, §7, §9 ($name)';

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
  const db = () => server.latchkey.store.db;

  it('a password with a role ceiling cannot mint a wider one by naming its owner by id (§5)', async () => {
    const capped = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: basic('admin', (await makeApplicationPassword(server, 1, 'root')).password),
      body: { name: 'capped', role_ceiling: 'author' },
    });
    const asAuthor = basic('admin', capped.json.password);
    const wider = await api(server, 'POST', '/wp/v2/users/1/application-passwords', {
      auth: asAuthor,
      body: { name: 'wider', role_ceiling: 'editor' },
    });
    expect(wider.status).toBe(400);
    expect(wider.json.code).toBe('rest_invalid_param');
    const implicit = await api(server, 'POST', '/wp/v2/users/1/application-passwords', {
      auth: asAuthor,
      body: { name: 'implicit' },
    });
    expect(implicit.json.role_ceiling).toBe('author');
  });

  it('concurrent second-factor guesses are checked one at a time, and each failure counts (§6.2)', async () => {
    const user = await server.createUser('burst2fa', 'author');
    await enableTotp(server, user);
    const browser = new BrowserClient(server.url);
    const { challenge } = await passwordStep(browser, 'burst2fa', 'af2tsrub-Pass-1234');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => submitCode(browser, challenge, 'totp', '000000')),
    );
    const checked = responses.filter((r) => r.status === 200).length;
    expect(checked).toBe(1);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(19);
    const state = await db()
      .selectFrom('user_two_factor')
      .select(['failures', 'attempt_lock_until'])
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(Number(state.failures)).toBe(1);
    expect(state.attempt_lock_until).toBeNull();
  });

  it('concurrent requests for an email code send one mail (§6.3)', async () => {
    const user = await server.createUser('mailburst', 'author');
    await db()
      .updateTable('users')
      .set({ email_verified_at: server.clock.now })
      .where('id', '=', user.id)
      .execute();
    // Each request names its own address, which the mail quotes: the burst's mail and the
    // sentinel's are told apart by it. (Other tests' notices go to other recipients.)
    const from = (ip: string) => (m: { to: string[]; raw: string }) =>
      m.to.includes('mailburst@example.com') && textPart(m.raw).includes(`the address ${ip}.`);
    const burst = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        server.latchkey.ctx.twoFactor.sendProofCode(user, '192.0.2.1'),
      ),
    );
    expect(burst.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    // A late second mail from the burst must not pass unnoticed: the sentinel is the next code
    // this user may be sent (a minute on, when the throttle allows one), asked for after every
    // call of the burst returned. Once it has arrived, so has anything the burst sent.
    server.clock.advance(61_000);
    await server.latchkey.ctx.twoFactor.sendProofCode(user, '192.0.2.2');
    await smtp.waitFor(1, from('192.0.2.2'));
    expect(smtp.messages.filter(from('192.0.2.1'))).toHaveLength(1);
  });

  it('redirect_to on the site origin with a path starting // is refused (§6.4)', async () => {
    const response = await new BrowserClient(server.url).signIn('admin', ADMIN_PASSWORD, {
      redirect_to: `${server.url}//evil.example/path`,
    });
    expect(response.headers.get('location')).toBe('/account');
  });

  it('an enrolment-only session cannot read or reset anyone else’s factors (§6.4)', async () => {
    const victim = await server.createUser('victim-admin', 'administrator');
    await enableTotp(server, victim);
    await server.createUser('newadmin', 'administrator');
    await writeSettings(db(), { requiredTwoFactorRoles: ['administrator'] });
    try {
      const browser = new BrowserClient(server.url);
      expect((await browser.signIn('newadmin', 'nimdawen-Pass-1234')).headers.get('location')).toBe(
        '/account/two-factor',
      );
      const nonce = await browser.restNonce();
      for (const method of ['GET', 'DELETE']) {
        const r = await browser.request(`/wp-json/latchkey/v1/users/${victim.id}/two-factor`, {
          method,
          headers: { 'x-wp-nonce': nonce },
        });
        expect(r.status, method).toBe(403);
        expect(JSON.parse(r.text_).code).toBe('latchkey_enrolment_required');
      }
      expect((await server.latchkey.ctx.twoFactor.status(victim)).enabled).toEqual(['totp']);
    } finally {
      await writeSettings(db(), { requiredTwoFactorRoles: [] });
    }
  });

  // An application password can no longer change an email address at all (SPEC §3.2,
  // interactiveOnly.security.test.ts); the change comes from an administrator's session here.
  it('changing the email address stops email codes until the new address is proven (§6.3, §6.4)', async () => {
    const user = await server.createUser('mover', 'author');
    await enableTotp(server, user);
    await db()
      .updateTable('users')
      .set({ email_verified_at: server.clock.now })
      .where('id', '=', user.id)
      .execute();
    const first = await passwordStep(new BrowserClient(server.url), 'mover', 'revom-Pass-1234');
    expect(first.response.text_).toContain('data-switch="email"');
    const admin = await restAs(server, 'admin', ADMIN_PASSWORD);
    expect(
      (await admin.call('POST', `/wp/v2/users/${user.id}`, { email: 'moved@elsewhere.example' }))
        .status,
    ).toBe(200);
    const after = await passwordStep(new BrowserClient(server.url), 'mover', 'revom-Pass-1234');
    expect(after.response.text_).not.toContain('data-switch="email"');
  });

  it('guessing the current password on /account/password meets the sign-in limits (§6.5, §7)', async () => {
    await server.createUser('guesser', 'author');
    const browser = new BrowserClient(server.url);
    await browser.signIn('guesser', 'resseug-Pass-1234');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      await browser.get('/account');
      statuses.push(
        (
          await browser.postForm('/account/password', {
            current_password: `nope-${i}`,
            new_password: 'xx-Pass-12345',
            confirm_password: 'xx-Pass-12345',
          })
        ).status,
      );
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });

  it('a password change kills second-factor steps begun with the old password (§6.2)', async () => {
    const user = await server.createUser('changer2fa', 'author');
    const secret = await enableTotp(server, user);
    const attacker = new BrowserClient(server.url);
    const { challenge } = await passwordStep(attacker, 'changer2fa', 'af2regnahc-Pass-1234');
    const owner = new BrowserClient(server.url);
    const own = await passwordStep(owner, 'changer2fa', 'af2regnahc-Pass-1234');
    expect((await submitCode(owner, own.challenge, 'totp', codeNow(server, secret))).status).toBe(
      302,
    );
    server.clock.advance(30_000);
    await owner.get('/account');
    await owner.postForm('/account/password', {
      current_password: 'af2regnahc-Pass-1234',
      new_password: 'degnahc-Pass-999',
      confirm_password: 'degnahc-Pass-999',
    });
    expect((await submitCode(attacker, challenge, 'totp', codeNow(server, secret))).status).toBe(
      400,
    );
  });

  it('a huge page number on users is an empty page, not a 500 (§9)', async () => {
    const browser = new BrowserClient(server.url);
    await browser.signIn('admin', ADMIN_PASSWORD);
    const r = await browser.get('/wp-json/wp/v2/users?per_page=100&page=99999999999999999', {
      'x-wp-nonce': await browser.restNonce(),
    });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text_)).toEqual([]);
  });

  it('CORS preflight names every method of a route', async () => {
    const r = await fetch(`${server.url}/wp-json/wp/v2/users/me/application-passwords`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example' },
    });
    expect(r.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE');
    expect(r.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('the account page honours the per-role switch (§3.2)', async () => {
    await server.createUser('contrib', 'contributor');
    await writeSettings(db(), { applicationPasswordsDisabledRoles: ['contributor'] });
    try {
      const browser = new BrowserClient(server.url);
      await browser.signIn('contrib', 'birtnoc-Pass-1234');
      await browser.get('/account');
      expect(
        (await browser.postForm('/account/application-passwords', { name: 'nope' })).status,
      ).toBe(501);
    } finally {
      await writeSettings(db(), { applicationPasswordsDisabledRoles: [] });
    }
  });

  it('forged second-factor challenges from one address meet the per-address limit (§6.4, §7)', async () => {
    const flood = await startTestServer({ store });
    try {
      const browser = new BrowserClient(flood.url);
      await browser.get('/login');
      let last = 0;
      for (let i = 0; i < 31; i++)
        last = (await submitCode(browser, 'A'.repeat(43), 'totp', '000000')).status;
      expect(last).toBe(429);
    } finally {
      await flood.close();
    }
  });
});
