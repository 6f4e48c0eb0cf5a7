import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByLoginOrEmail, type User } from '../../src/accounts/index.js';
import { writeSettings } from '../../src/settings/index.js';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import {
  ADMIN_PASSWORD,
  startTestServer,
  type TestServer,
  testPassword,
} from '../helpers/server.js';
import { startSmtpServer, textPart } from '../helpers/smtp.js';
import { STORES } from '../helpers/stores.js';
import { codeNow, enableTotp, passwordStep, submitCode } from '../helpers/twoFactor.js';

describe.each(STORES)('two-factor sign-in, SPEC §6.2, §6.3, §6.4 ($name)', (store) => {
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
  const tf = () => server.latchkey.ctx.twoFactor;
  const mfaUser = async (login: string) => {
    const user = await server.createUser(login, 'author');
    const secret = await enableTotp(server, user);
    return { user, secret, password: testPassword(login) };
  };
  /** Clears a user's failure count so one test's wait does not spill into the next. */
  const forgive = (user: User) => tf().recordSuccess(user);

  it('gives no session after the password step, only the second-factor page with a hidden challenge', async () => {
    const { secret, password } = await mfaUser('totpuser');
    const browser = new BrowserClient(server.url);
    const { response, challenge } = await passwordStep(browser, 'totpuser', password, {
      redirect_to: '/admin/users?x=1',
      rememberme: 'forever',
    });
    expect(response.headers.get('location')).toBeNull();
    expect(browser.cookies.has('latchkey_session')).toBe(false);
    expect(response.text_).toContain('action="/login/two-factor"');
    expect(response.text_).toContain(
      'Use a recovery code'.length > 0 ? 'Code from your authenticator app' : '',
    );
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const done = await submitCode(browser, challenge, 'totp', codeNow(server, secret));
    expect(done.status).toBe(302);
    // redirect_to and remember-me survived the step.
    expect(done.headers.get('location')).toBe('/admin/users?x=1');
    expect(done.headers.getSetCookie().find((c) => c.startsWith('latchkey_session='))).toMatch(
      /Max-Age=1209600/,
    );
    const session = await db()
      .selectFrom('sessions')
      .select('second_factor')
      .where('user_id', '=', (await findUserByLoginOrEmail(db(), 'totpuser'))!.id)
      .where('user_agent', '!=', 'fixture')
      .executeTakeFirstOrThrow();
    expect(session.second_factor).toBe('totp');
  });

  it('refuses a consumed, forged or expired challenge with the sign-in page (400), and a wrong token harms no other', async () => {
    const { user, secret, password } = await mfaUser('challenger');
    const a = new BrowserClient(server.url);
    const b = new BrowserClient(server.url);
    const first = await passwordStep(a, 'challenger', password);
    const second = await passwordStep(b, 'challenger', password);
    const forged = await submitCode(a, 'A'.repeat(43), 'totp', codeNow(server, secret));
    expect(forged.status).toBe(400);
    expect(forged.text_).toContain('Your sign-in expired. Please sign in again.');
    // Both pending challenges still work, one after the other (each with its own code step).
    expect((await submitCode(a, first.challenge, 'totp', codeNow(server, secret))).status).toBe(
      302,
    );
    server.clock.advance(30_000);
    expect((await submitCode(b, second.challenge, 'totp', codeNow(server, secret))).status).toBe(
      302,
    );
    server.clock.advance(30_000);
    const reused = await submitCode(a, first.challenge, 'totp', codeNow(server, secret));
    expect(reused.status).toBe(400);
    const c = new BrowserClient(server.url);
    const third = await passwordStep(c, 'challenger', password);
    server.clock.advance(10 * 60_000 + 1000);
    const expired = await submitCode(c, third.challenge, 'totp', codeNow(server, secret));
    expect(expired.status).toBe(400);
    await forgive(user);
  });

  it('a wrong code starts the wait; a correct code during it is refused (429, not counted); then it works', async () => {
    const { user, secret, password } = await mfaUser('waiter');
    const browser = new BrowserClient(server.url);
    const { challenge } = await passwordStep(browser, 'waiter', password);
    const wrong = await submitCode(browser, challenge, 'totp', '000000');
    expect(wrong.status).toBe(200);
    expect(wrong.text_).toContain('Invalid code.');
    expect(wrong.text_).toMatch(
      /You can try again in <span data-countdown="2"[^>]*>2 seconds<\/span>/,
    );
    const during = await submitCode(browser, challenge, 'totp', codeNow(server, secret));
    expect(during.status).toBe(429);
    expect(during.headers.get('retry-after')).toBe('2');
    expect(during.text_).toMatch(
      /You can try again in <span data-countdown="[12]"[^>]*>[12] seconds?<\/span>/,
    );
    server.clock.advance(2000);
    const ok = await submitCode(browser, challenge, 'totp', codeNow(server, secret));
    expect(ok.status).toBe(302);
    const state = await db()
      .selectFrom('user_two_factor')
      .select('failures')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(state.failures).toBe(0);
  });

  it('refuses a replayed code (also the setup code), accepts ±1 step and refuses ±2', async () => {
    const { user, secret, password } = await mfaUser('replayer');
    // The setup step (now − 1 step) is used up.
    const setupCode = codeNow(server, secret, -1);
    let browser = new BrowserClient(server.url);
    let step = await passwordStep(browser, 'replayer', password);
    expect((await submitCode(browser, step.challenge, 'totp', setupCode)).text_).toContain(
      'Invalid code.',
    );
    await forgive(user);
    for (const [offset, expected] of [
      [2, 200],
      [-2, 200],
      [1, 302],
    ] as const) {
      browser = new BrowserClient(server.url);
      step = await passwordStep(browser, 'replayer', password);
      const response = await submitCode(
        browser,
        step.challenge,
        'totp',
        codeNow(server, secret, offset),
      );
      expect(response.status, `offset ${offset}`).toBe(expected);
      await forgive(user);
    }
    // The +1 code is now used: neither it nor the current one (earlier step) works again.
    for (const offset of [1, 0]) {
      browser = new BrowserClient(server.url);
      step = await passwordStep(browser, 'replayer', password);
      expect(
        (await submitCode(browser, step.challenge, 'totp', codeNow(server, secret, offset))).status,
      ).toBe(200);
      await forgive(user);
    }
  });

  it('an unknown or not-enabled provider shows the primary again with a message, and counts nothing', async () => {
    const { user, password } = await mfaUser('switcher');
    const browser = new BrowserClient(server.url);
    const { challenge } = await passwordStep(browser, 'switcher', password);
    for (const provider of ['nope', 'webauthn', 'backup_codes']) {
      const response = await submitCode(browser, challenge, provider, '12345678');
      expect(response.status).toBe(200);
      expect(response.text_).toContain('That method is not available.');
      expect(response.text_).toContain('data-provider="totp"');
    }
    expect(
      (
        await db()
          .selectFrom('user_two_factor')
          .select('failures')
          .where('user_id', '=', user.id)
          .executeTakeFirstOrThrow()
      ).failures,
    ).toBe(0);
  });

  it('recovery codes work once each', async () => {
    const { user, password } = await mfaUser('recoverer');
    const { codes } = await tf().regenerateBackupCodes(user);
    expect(codes).toHaveLength(10);
    const browser = new BrowserClient(server.url);
    const { challenge } = await passwordStep(browser, 'recoverer', password);
    const switched = await browser.postForm('/login/two-factor', {
      challenge,
      provider: 'backup_codes',
    });
    expect(switched.text_).toContain('Recovery code');
    const code = `${codes[0]!.slice(0, 4)} ${codes[0]!.slice(4)}`;
    expect((await submitCode(browser, challenge, 'backup_codes', code)).status).toBe(302);
    const again = new BrowserClient(server.url);
    const second = await passwordStep(again, 'recoverer', password);
    expect((await submitCode(again, second.challenge, 'backup_codes', codes[0]!)).text_).toContain(
      'Invalid code.',
    );
    await forgive(user);
    server.clock.advance(2000);
    expect((await submitCode(again, second.challenge, 'backup_codes', codes[1]!)).status).toBe(302);
    expect((await tf().status(user)).backup_codes_remaining).toBe(8);
  });

  it('email codes: mailed with lifetime and IP, single use, 10-minute life, resend throttled; the fallback rescues a lost phone', async () => {
    const { user, password } = await mfaUser('mailer');
    // Verified address + site fallback on: the email method is offered although not enabled.
    await db()
      .updateTable('users')
      .set({ email_verified_at: server.clock.now })
      .where('id', '=', user.id)
      .execute();
    const browser = new BrowserClient(server.url);
    const { challenge } = await passwordStep(browser, 'mailer', password);
    expect(
      (await passwordStep(new BrowserClient(server.url), 'mailer', password)).response.text_,
    ).toContain('data-switch="email"');
    const before = smtp.messages.length;
    const page = await browser.postForm('/login/two-factor', { challenge, provider: 'email' });
    expect(page.text_).toContain('Code from the email we sent');
    await smtp.waitFor(before + 1);
    const text = textPart(smtp.messages[before]!.raw);
    const code = /\b(\d{8})\b/.exec(text.slice(text.indexOf('is:')))![1]!;
    expect(text).toContain('valid for 10 minutes');
    expect(text).toContain('127.0.0.1');
    // Showing the page again sends nothing while the code is valid; a resend right away is throttled.
    await browser.postForm('/login/two-factor', { challenge, provider: 'email' });
    const throttled = await browser.postForm('/login/two-factor', {
      challenge,
      provider: 'email',
      resend: '1',
    });
    expect(throttled.text_).toMatch(/You can ask for another code in \d+ seconds\./);
    expect(smtp.messages.length).toBe(before + 1);
    expect((await submitCode(browser, challenge, 'email', code)).status).toBe(302);
    // Single use.
    const other = new BrowserClient(server.url);
    const next = await passwordStep(other, 'mailer', password);
    await smtp.waitFor(before + 1);
    expect((await submitCode(other, next.challenge, 'email', code)).text_).toContain(
      'Invalid code.',
    );
    await forgive(user);
    // A later code expires after 10 minutes.
    server.clock.advance(61_000);
    const resent = await other.postForm('/login/two-factor', {
      challenge: next.challenge,
      provider: 'email',
      resend: '1',
    });
    expect(resent.text_).toContain('A new code was sent.');
    await smtp.waitFor(before + 2);
    const text2 = textPart(smtp.messages[before + 1]!.raw);
    const code2 = /\b(\d{8})\b/.exec(text2.slice(text2.indexOf('is:')))![1]!;
    server.clock.advance(10 * 60_000 + 1);
    const late = new BrowserClient(server.url);
    const lateStep = await passwordStep(late, 'mailer', password);
    expect((await submitCode(late, lateStep.challenge, 'email', code2)).text_).toContain(
      'Invalid code.',
    );
    await forgive(user);
  });

  it('right after enabling email codes, the first sign-in mails a code (the proof mail throttles only Resend)', async () => {
    const user = await server.createUser('freshmail', 'author');
    const codeIn = (index: number) => {
      const text = textPart(smtp.messages[index]!.raw);
      return /\b(\d{8})\b/.exec(text.slice(text.indexOf('is:')))![1]!;
    };
    const before = smtp.messages.length;
    await tf().sendProofCode(user, '127.0.0.1');
    await smtp.waitFor(before + 1);
    await tf().confirmProofCode(user, codeIn(before), true);
    // Seconds later, not a minute: the sign-in page still sends its code at once.
    server.clock.advance(5_000);
    const browser = new BrowserClient(server.url);
    const { challenge, response } = await passwordStep(browser, 'freshmail', 'liamhserf-Pass-1234');
    expect(response.text_).toContain('Code from the email we sent');
    expect(response.text_).not.toContain('Use the code sent earlier');
    await smtp.waitFor(before + 2);
    const signInCode = codeIn(before + 1);
    // Resend is what the throttle is for.
    const resend = await browser.postForm('/login/two-factor', {
      challenge,
      provider: 'email',
      resend: '1',
    });
    expect(resend.text_).toMatch(/You can ask for another code in \d+ seconds\./);
    expect(smtp.messages.length).toBe(before + 2);
    expect((await submitCode(browser, challenge, 'email', signInCode)).status).toBe(302);
  });

  it('without any usable method and no fallback, sign-in is refused with a message to contact an administrator', async () => {
    const user = await server.createUser('stranded', 'author');
    await enableTotp(server, user);
    // The secret is gone (e.g. damaged), the user still "uses two-factor": no fail-open.
    await db()
      .updateTable('user_two_factor')
      .set({ totp_secret: null })
      .where('user_id', '=', user.id)
      .execute();
    const response = await new BrowserClient(server.url).signIn('stranded', 'dednarts-Pass-1234');
    expect(response.status).toBe(403);
    expect(response.text_).toContain(
      'Two-factor authentication is required for this account but no method is available. Contact an administrator.',
    );
  });

  it('30 failures reset the password and mail the user and the administrators', async () => {
    const { user, password } = await mfaUser('victim2fa');
    await db()
      .updateTable('users')
      .set({ email: 'admin@example.net', email_key: 'admin@example.net' })
      .where('id', '=', 1)
      .execute();
    const before = smtp.messages.length;
    let last: Awaited<ReturnType<typeof submitCode>> | undefined;
    for (let i = 0; i < 30; i++) {
      const browser = new BrowserClient(server.url);
      const { challenge } = await passwordStep(browser, 'victim2fa', password);
      last = await submitCode(browser, challenge, 'totp', '000000');
      server.clock.advance(901_000);
    }
    expect(last!.status).toBe(403);
    expect(last!.text_).toContain('the password of this account was reset');
    await smtp.waitFor(before + 2);
    const recipients = smtp.messages.slice(before).flatMap((m) => m.to);
    expect(recipients).toEqual(
      expect.arrayContaining(['victim2fa@example.com', 'admin@example.net']),
    );
    expect((await new BrowserClient(server.url).signIn('victim2fa', password)).status).toBe(200);
    expect((await new BrowserClient(server.url).signIn('victim2fa', password)).text_).toContain(
      'Unknown username or email, or wrong password.',
    );
    const events = await db()
      .selectFrom('audit_events')
      .select('event')
      .where('user_id', '=', user.id)
      .where('event', '=', 'password.forced_reset')
      .execute();
    expect(events).toHaveLength(1);
    expect(
      await db()
        .selectFrom('login_challenges')
        .select('token_hash')
        .where('user_id', '=', user.id)
        .execute(),
    ).toHaveLength(0);
  });

  it('the account password of a two-factor user never works on the API; an application password does', async () => {
    const { user, password } = await mfaUser('apiuser');
    const response = await api(server, 'GET', '/wp/v2/users/me', {
      auth: basic('apiuser', password),
    });
    expect(response.status).toBe(401);
    expect(response.json.code).toBe('incorrect_password');
    const ap = await makeApplicationPassword(server, user.id);
    expect(
      (await api(server, 'GET', '/wp/v2/users/me', { auth: basic('apiuser', ap.password) })).status,
    ).toBe(200);
  });

  it('step-up: /login/reauth asks for the password, then the second factor', async () => {
    const { secret, password } = await mfaUser('stepper2');
    const browser = new BrowserClient(server.url);
    const { challenge } = await passwordStep(browser, 'stepper2', password);
    expect((await submitCode(browser, challenge, 'totp', codeNow(server, secret))).status).toBe(
      302,
    );
    server.clock.advance(11 * 60_000);
    await browser.get('/login/reauth?redirect_to=%2Faccount%2Ftwo-factor');
    const afterPassword = await browser.postForm('/login/reauth', {
      pwd: password,
      redirect_to: '/account/two-factor',
    });
    expect(afterPassword.status).toBe(200);
    expect(afterPassword.text_).toContain('action="/login/two-factor"');
    const reauthChallenge = /name="challenge" value="([^"]+)"/.exec(afterPassword.text_)![1]!;
    // The reauth challenge belongs to this session: another browser cannot use it.
    const stranger = new BrowserClient(server.url);
    await stranger.get('/login');
    expect(
      (await submitCode(stranger, reauthChallenge, 'totp', codeNow(server, secret))).status,
    ).toBe(400);
    const done = await submitCode(browser, reauthChallenge, 'totp', codeNow(server, secret));
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/account/two-factor');
  });
});

describe.each(STORES)('managing factors over REST, SPEC §6.3, §6.4 ($name)', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  async function signedIn(login: string, password: string) {
    const browser = new BrowserClient(server.url);
    expect((await browser.signIn(login, password)).status).toBe(302);
    const nonce = await browser.restNonce();
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await browser.request(`/wp-json/latchkey/v1/users/${path}`, {
        method,
        headers: {
          'x-wp-nonce': nonce,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return {
        status: r.status,
        json: JSON.parse(r.text_) as Record<string, unknown> & {
          code?: string;
          data?: Record<string, unknown>;
        },
      };
    };
    return { browser, call };
  }

  it('sets up TOTP (pending until a correct code), with WordPress-style access rules', async () => {
    const user = await server.createUser('restful', 'author');
    const { call } = await signedIn('restful', 'luftser-Pass-1234');
    const status = await call('GET', 'me/two-factor');
    expect(status.json).toEqual({
      enabled: [],
      primary: null,
      available: [],
      backup_codes_remaining: 0,
      webauthn: [],
    });
    const start = await call('POST', 'me/two-factor/totp');
    expect(start.status).toBe(200);
    expect(start.json.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(start.json.otpauth_uri).toBe(
      `otpauth://totp/Latchkey%3Arestful?secret=${start.json.secret}&issuer=Latchkey&algorithm=SHA1&digits=6&period=30`,
    );
    expect(String(start.json.qr_svg)).toMatch(/^<svg/);
    // Still not enabled: the secret is only pending.
    expect((await call('GET', 'me/two-factor')).json.enabled).toEqual([]);
    const wrong = await call('PUT', 'me/two-factor/totp', { code: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.json.code).toBe('latchkey_invalid_code');
    const { totpCode } = await import('../../src/two-factor/index.js');
    const ok = await call('PUT', 'me/two-factor/totp', {
      code: totpCode({ secret: String(start.json.secret), timeMs: server.clock.now }),
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ enabled: ['totp'], primary: 'totp', available: ['totp'] });
    const backup = await call('POST', 'me/two-factor/backup-codes');
    expect((backup.json.codes as string[]).every((c) => /^\d{8}$/.test(c))).toBe(true);
    expect(backup.json.remaining).toBe(10);
    const primary = await call('PUT', 'me/two-factor/primary', { provider: 'backup_codes' });
    expect(primary.status).toBe(400);
    expect(user.id).toBeGreaterThan(0);
  });

  it('refuses signed-out callers, other users, application passwords, and stale sessions', async () => {
    const other = await server.createUser('bystander', 'author');
    await server.createUser('caller', 'editor');
    const { call } = await signedIn('caller', 'rellac-Pass-1234');
    expect((await api(server, 'GET', '/latchkey/v1/users/me/two-factor')).json.code).toBe(
      'rest_not_logged_in',
    );
    const foreign = await call('GET', `${other.id}/two-factor`);
    expect(foreign.status).toBe(403);
    expect(foreign.json.code).toBe('rest_forbidden');
    const ap = await makeApplicationPassword(server, other.id);
    const withAp = await api(server, 'POST', '/latchkey/v1/users/me/two-factor/totp', {
      auth: basic('bystander', ap.password),
    });
    expect(withAp.status).toBe(403);
    expect(withAp.json.code).toBe('latchkey_interactive_only');
    server.clock.advance(11 * 60_000);
    try {
      const stale = await call('POST', 'me/two-factor/totp');
      expect(stale.status).toBe(403);
      expect(stale.json).toMatchObject({
        code: 'latchkey_reauth_required',
        data: { reauth_url: '/login/reauth?redirect_to=%2Faccount%2Ftwo-factor' },
      });
      expect((await call('GET', 'me/two-factor')).status).toBe(200);
    } finally {
      server.clock.advance(-11 * 60_000);
    }
  });

  it('recovery codes need another method (409); disabling a factor ends the other sessions', async () => {
    const user = await server.createUser('single', 'author');
    const { call } = await signedIn('single', 'elgnis-Pass-1234');
    const refused = await call('POST', 'me/two-factor/backup-codes');
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('latchkey_backup_codes_need_provider');
    const secret = await enableTotp(server, user);
    expect(secret).toBeTruthy();
    await call('POST', 'me/two-factor/backup-codes');
    const elsewhere = new BrowserClient(server.url);
    const { challenge } = await passwordStep(elsewhere, 'single', 'elgnis-Pass-1234');
    expect((await submitCode(elsewhere, challenge, 'totp', codeNow(server, secret))).status).toBe(
      302,
    );
    const off = await call('DELETE', 'me/two-factor/totp');
    expect(off.status).toBe(200);
    // The last real method went, so recovery codes went too.
    expect(off.json).toMatchObject({ enabled: [], backup_codes_remaining: 0 });
    expect((await elsewhere.get('/account')).status).toBe(302);
  });

  it('required two-factor: the session can only enrol until a method is enabled', async () => {
    await writeSettings(server.latchkey.store.db, { requiredTwoFactorRoles: ['contributor'] });
    try {
      await server.createUser('newcomer', 'contributor');
      const browser = new BrowserClient(server.url);
      const signIn = await browser.signIn('newcomer', 'remocwen-Pass-1234');
      expect(signIn.headers.get('location')).toBe('/account/two-factor');
      const account = await browser.get('/account');
      expect(account.status).toBe(302);
      expect(account.headers.get('location')).toBe('/account/two-factor');
      const nonce = await browser.restNonce();
      const me = await browser.get('/wp-json/wp/v2/users/me', { 'x-wp-nonce': nonce });
      expect(me.status).toBe(403);
      expect(JSON.parse(me.text_).code).toBe('latchkey_enrolment_required');
      const start = JSON.parse(
        (
          await browser.request('/wp-json/latchkey/v1/users/me/two-factor/totp', {
            method: 'POST',
            headers: { 'x-wp-nonce': nonce },
          })
        ).text_,
      );
      const { totpCode } = await import('../../src/two-factor/index.js');
      const enable = await browser.request('/wp-json/latchkey/v1/users/me/two-factor/totp', {
        method: 'PUT',
        headers: { 'x-wp-nonce': nonce, 'content-type': 'application/json' },
        body: JSON.stringify({
          code: totpCode({ secret: start.secret, timeMs: server.clock.now }),
        }),
      });
      expect(enable.status).toBe(200);
      expect((await browser.get('/wp-json/wp/v2/users/me', { 'x-wp-nonce': nonce })).status).toBe(
        200,
      );
    } finally {
      await writeSettings(server.latchkey.store.db, { requiredTwoFactorRoles: [] });
    }
  });

  it('an administrator resets another user’s factors (all their sessions end); nobody else may', async () => {
    const user = await server.createUser('resettable', 'author');
    await enableTotp(server, user);
    const admin = await signedIn('admin', ADMIN_PASSWORD);
    const reset = await admin.call('DELETE', `${user.id}/two-factor`);
    expect(reset.status).toBe(200);
    expect(reset.json.enabled).toEqual([]);
    const enrolOther = await admin.call('POST', `${user.id}/two-factor/totp`);
    expect(enrolOther.status).toBe(403);
    const events = await server.latchkey.store.db
      .selectFrom('audit_events')
      .select('event')
      .where('user_id', '=', user.id)
      .where('event', '=', 'two_factor.reset')
      .execute();
    expect(events).toHaveLength(1);
  });
});
