/**
 * The /account/two-factor pages and the email verification on /account, over real HTTP without
 * a browser (BrowserClient keeps the cookies): the forms, CSRF, step-up through /login/reauth,
 * the enrolment-only session, email codes through a real SMTP peer, and recovery codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/index.js';
import { writeSettings } from '../../src/settings/index.js';
import { totpCode } from '../../src/two-factor/index.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { startTestServer, type TestServer, testPassword } from '../helpers/server.js';
import { startSmtpServer, textPart } from '../helpers/smtp.js';
import { STORES } from '../helpers/stores.js';
import { challengeOf, codeNow, submitCode } from '../helpers/twoFactor.js';

const PAGE = '/account/two-factor';
const REAUTH = '/login/reauth?redirect_to=%2Faccount%2Ftwo-factor';
const TEN_MINUTES = 10 * 60_000;
const NEED_PROVIDER = 'Enable another method first: recovery codes only back up a second factor.';

/** The key as the setup page shows it, without the spaces. */
const secretOf = (page: string) => {
  const match = /id="totp-secret">([A-Z2-7 ]+)</.exec(page);
  if (!match) throw new Error('no secret on the page');
  return match[1]!.replaceAll(' ', '');
};
/** A six-digit code that is surely not the right one now. */
const wrongCode = (right: string) => String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
const codesOf = (page: string) => /id="recovery-codes">([\d\n]+)</.exec(page)![1]!.split('\n');
const flashOf = (page: string) =>
  /<p class="(?:notice|error)" role="[a-z]+">([^<]*)</.exec(page)?.[1];

describe.each(STORES)('two-factor pages, SPEC §6.2, §6.3, §6.4 ($name)', (store) => {
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

  /** A new user, signed in through the form, on the two-factor page. */
  async function signedIn(login: string, role: 'author' | 'contributor' = 'author') {
    const user = await server.createUser(login, role);
    const browser = new BrowserClient(server.url, `pages test (${login})`);
    const response = await browser.signIn(login, testPassword(login));
    expect(response.status).toBe(302);
    await browser.get(PAGE);
    return { user, browser };
  }

  /** Sets up the authenticator app through the forms; returns the secret. */
  async function enableTotpWithForms(
    browser: BrowserClient,
    notice = 'totp_enabled',
  ): Promise<string> {
    const setup = await browser.postForm(`${PAGE}/totp`, {});
    expect(setup.status).toBe(200);
    const secret = secretOf(setup.text_);
    const done = await browser.postForm(`${PAGE}/totp/confirm`, {
      code: totpCode({ secret, timeMs: server.clock.now }),
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${PAGE}?done=${notice}`);
    // The setup step is used up; the next sign-in needs the next one.
    server.clock.advance(30_000);
    await browser.get(PAGE);
    return secret;
  }

  const auditOf = async (user: User, event: string) =>
    (
      await db()
        .selectFrom('audit_events')
        .select(['event', 'details', 'credential'])
        .where('user_id', '=', user.id)
        .where('event', '=', event)
        .orderBy('id', 'asc')
        .execute()
    ).map((e) => ({ ...e, details: JSON.parse(e.details) as Record<string, unknown> }));

  /** The eight-digit code of the newest mail to an address. */
  async function mailedCode(to: string, count: number): Promise<string> {
    // Only the mails with a code: the security notices of §6.5 (a method added…) hold none.
    const mine = await smtp.waitFor(
      count,
      (m) => m.to.includes(to) && /\b\d{8}\b/.test(textPart(m.raw)),
    );
    const text = textPart(mine[count - 1]!.raw);
    return /\b(\d{8})\b/.exec(text)![1]!;
  }

  it('shows the status and every method, and loads the security-key script', async () => {
    const { browser } = await signedIn('pageviewer');
    const page = await browser.get(PAGE);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text_).toContain('Two-factor authentication is <strong>off</strong>');
    for (const id of ['totp', 'security-keys', 'email', 'backup-codes'])
      expect(page.text_).toContain(`<section class="method" id="${id}">`);
    expect(page.text_).toContain(
      '<script type="module" src="/assets/simplewebauthn-browser.js"></script>',
    );
    expect(page.text_).toMatch(/<form[^>]*id="register-security-key"/);
    expect(page.text_).toContain('name="name" id="security-key-name"');
    expect(page.text_).toContain('data-webauthn-status');
    expect(page.text_).not.toContain('id="enrolment-required"');
    // This test server's address is http://127.0.0.1:{port}: browsers refuse security keys there.
    expect(page.text_).toContain(
      'Security keys cannot work while the site address is an IP address (127.0.0.1)',
    );
    // Signed out: to the sign-in page, coming back here.
    const anonymous = await new BrowserClient(server.url).get(PAGE);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/login?redirect_to=%2Faccount%2Ftwo-factor');
  });

  it('sets up the authenticator app: QR and grouped key, a wrong code keeps the same setup, a right one enables it', async () => {
    const { user, browser } = await signedIn('pagetotp');
    const setup = await browser.postForm(`${PAGE}/totp`, {});
    expect(setup.status).toBe(200);
    expect(setup.headers.get('cache-control')).toBe('no-store');
    expect(setup.text_).toMatch(/<div class="qr" id="totp-qr"[^>]*><svg [^>]*viewBox=/);
    expect(/id="totp-secret">([^<]+)</.exec(setup.text_)![1]).toMatch(
      /^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/,
    );
    const secret = secretOf(setup.text_);
    expect(setup.text_).toContain(
      `href="otpauth://totp/Latchkey%3Apagetotp?secret=${secret}&amp;issuer=Latchkey`,
    );
    // Pending only: nothing is enabled before a correct code.
    expect((await tf().status(user)).enabled).toEqual([]);

    const right = totpCode({ secret, timeMs: server.clock.now });
    const wrong = await browser.postForm(`${PAGE}/totp/confirm`, { code: wrongCode(right) });
    expect(wrong.status).toBe(400);
    expect(flashOf(wrong.text_)).toBe(
      'That code is not correct. Check the time on your device and try the next code.',
    );
    expect(secretOf(wrong.text_)).toBe(secret);
    expect(wrong.text_).toContain('id="totp-qr"');

    const done = await browser.postForm(`${PAGE}/totp/confirm`, {
      code: `${right.slice(0, 3)} ${right.slice(3)}`,
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${PAGE}?done=totp_enabled`);
    const after = await browser.get(`${PAGE}?done=totp_enabled`);
    expect(flashOf(after.text_)).toBe('Authenticator app enabled.');
    expect(after.text_).toContain('Enabled: <span id="enabled-methods">Authenticator app</span>');
    expect(after.text_).toContain('id="disable-totp"');
    expect(await auditOf(user, 'two_factor.enabled')).toMatchObject([
      {
        details: { provider: 'totp', by: user.id },
        credential: expect.stringMatching(/^session:/),
      },
    ]);

    // /account links here with the status.
    const account = await browser.get('/account');
    expect(account.text_).toContain(`<a href="${PAGE}" id="manage-two-factor">`);
    expect(account.text_).toMatch(/id="two-factor-state">On</);

    // The next sign-in asks for a code (the setup step counts as used).
    server.clock.advance(30_000);
    const again = new BrowserClient(server.url);
    const step = await again.signIn('pagetotp', 'ptotegap-Pass-1234');
    expect(step.status).toBe(200);
    expect(again.cookies.has('latchkey_session')).toBe(false);
    const ok = await submitCode(again, challengeOf(step.text_), 'totp', codeNow(server, secret));
    expect(ok.status).toBe(302);
  });

  it('refuses every change without the session’s CSRF token, or from another origin', async () => {
    const { user, browser } = await signedIn('pagecsrf');
    await enableTotpWithForms(browser);
    await browser.postForm(`${PAGE}/backup-codes`, {});
    await browser.get(PAGE);
    const other = await signedIn('pagecsrf2');
    const posts = [
      `${PAGE}/totp`,
      `${PAGE}/totp/confirm`,
      `${PAGE}/totp/disable`,
      `${PAGE}/email`,
      `${PAGE}/email/confirm`,
      `${PAGE}/email/disable`,
      `${PAGE}/backup-codes`,
      `${PAGE}/backup-codes/disable`,
      `${PAGE}/primary`,
      `${PAGE}/webauthn`,
      `${PAGE}/webauthn/abc/remove`,
      '/account/email/send-code',
      '/account/email/verify',
    ];
    for (const path of posts) {
      for (const csrf of [null, 'forged', other.browser.lastCsrf!]) {
        const response = await browser.postForm(path, { _csrf: csrf, code: '123456' });
        expect(response.status, `${path} with ${csrf}`).toBe(403);
        expect(response.text_).toContain('The form expired or did not come from this site.');
      }
      const crossSite = await browser.postForm(path, {}, { origin: 'https://evil.example' });
      expect(crossSite.status, `${path} cross-site`).toBe(403);
    }
    expect((await tf().status(user)).enabled).toEqual(['totp', 'backup_codes']);
    // No refused form mailed anything; the notices are those of the two methods enabled above.
    await smtp.waitFor(2, (m) => m.to.includes(user.email));
    expect(
      smtp.messages
        .filter((m) => m.to.includes(user.email))
        .map((m) => /^Subject: (.*)$/m.exec(m.raw)?.[1])
        .sort(),
    ).toEqual([
      '[Latchkey] A second factor was added to your account',
      '[Latchkey] New recovery codes for your account',
    ]);
  });

  it('step-up: a change more than 10 minutes after signing in goes through /login/reauth first', async () => {
    const { user, browser } = await signedIn('pagestepup');
    server.clock.advance(TEN_MINUTES + 1000);
    const page = await browser.get(PAGE);
    expect(page.text_).toContain('id="reauth-note"');
    for (const path of [`${PAGE}/totp`, `${PAGE}/email`, `${PAGE}/backup-codes`]) {
      const stale = await browser.postForm(path, {});
      expect(stale.status, path).toBe(303);
      expect(stale.headers.get('location')).toBe(REAUTH);
    }
    // Nothing happened: no pending secret, no mail.
    const pending = await db()
      .selectFrom('sessions')
      .select('pending_totp_secret')
      .where('user_id', '=', user.id)
      .execute();
    expect(pending.map((p) => p.pending_totp_secret)).toEqual([null]);
    expect(smtp.messages.filter((m) => m.to.includes(user.email))).toEqual([]);

    // The password (no second factor yet), then back here, and the change goes through.
    const form = await browser.get(REAUTH);
    expect(form.status).toBe(200);
    expect(form.text_).toContain('name="redirect_to" value="/account/two-factor"');
    const confirmed = await browser.postForm('/login/reauth', {
      pwd: 'pupetsegap-Pass-1234',
      redirect_to: PAGE,
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe(PAGE);
    await browser.get(PAGE);
    const secret = await enableTotpWithForms(browser);

    // Later, with two-factor on, step-up asks for the password and then a code.
    server.clock.advance(TEN_MINUTES + 1000);
    const refused = await browser.postForm(`${PAGE}/totp/disable`, {});
    expect(refused.headers.get('location')).toBe(REAUTH);
    await browser.get(REAUTH);
    const second = await browser.postForm('/login/reauth', {
      pwd: 'pupetsegap-Pass-1234',
      redirect_to: PAGE,
    });
    expect(second.status).toBe(200);
    const back = await submitCode(
      browser,
      challengeOf(second.text_),
      'totp',
      codeNow(server, secret),
    );
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(PAGE);
    await browser.get(PAGE);
    const disabled = await browser.postForm(`${PAGE}/totp/disable`, {});
    expect(disabled.status).toBe(303);
    expect(disabled.headers.get('location')).toBe(`${PAGE}?done=totp_disabled`);
    expect((await tf().status(user)).enabled).toEqual([]);
  });

  it('recovery codes are refused without another method, with the 409 message on the page', async () => {
    const { user, browser } = await signedIn('pagelonely');
    const refused = await browser.postForm(`${PAGE}/backup-codes`, {});
    expect(refused.status).toBe(409);
    expect(flashOf(refused.text_)).toBe(NEED_PROVIDER);
    expect(refused.text_).toContain('<section class="method" id="backup-codes">');
    expect(refused.text_).not.toContain('id="recovery-codes"');
    expect((await tf().status(user)).backup_codes_remaining).toBe(0);
  });

  it('recovery codes: ten shown once with Copy and a .txt download, the count, the low warning, regenerate', async () => {
    const { user, browser } = await signedIn('pagecodes');
    await enableTotpWithForms(browser);
    const generated = await browser.postForm(`${PAGE}/backup-codes`, {});
    expect(generated.status).toBe(200);
    expect(generated.headers.get('cache-control')).toBe('no-store');
    const codes = codesOf(generated.text_);
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^\d{8}$/);
    expect(new Set(codes).size).toBe(10);
    expect(generated.text_).toContain('data-copy-target="recovery-codes"');
    const href = /download="recovery-codes.txt" href="([^"]+)"/.exec(generated.text_)![1]!;
    expect(href).toBe(
      `data:text/plain;charset=utf-8,${encodeURIComponent(codes.join('\n') + '\n')}`,
    );
    expect(await auditOf(user, 'two_factor.enabled')).toMatchObject([
      { details: { provider: 'totp' } },
      { details: { provider: 'backup_codes', regenerated: true } },
    ]);

    // Shown once: the page afterwards has the count only.
    const page = await browser.get(PAGE);
    expect(page.text_).toContain('<p id="backup-codes-remaining">10 codes left.</p>');
    for (const code of codes) expect(page.text_).not.toContain(code);
    const account = await browser.get('/account');
    expect(account.text_).not.toContain('id="low-recovery-codes"');

    // Spend eight: the warning appears on /account and here, with the right number.
    for (const code of codes.slice(0, 8))
      expect(await tf().verify(user, 'backup_codes', { code })).toBe(true);
    const low = await browser.get('/account');
    expect(low.text_).toContain('You have 2 recovery codes left.');
    expect((await browser.get(PAGE)).text_).toContain('You have 2 recovery codes left.');
    expect(await tf().verify(user, 'backup_codes', { code: codes[8]! })).toBe(true);
    expect((await browser.get('/account')).text_).toContain('You have 1 recovery code left.');

    // New codes replace the old ones.
    const again = await browser.postForm(`${PAGE}/backup-codes`, {});
    const fresh = codesOf(again.text_);
    expect(fresh).not.toContain(codes[9]);
    expect(await tf().verify(user, 'backup_codes', { code: codes[9]! })).toBe(false);
    expect((await browser.get('/account')).text_).not.toContain('id="low-recovery-codes"');
  });

  it('disabling ends the other sessions (enabling does not); recovery codes go with the last method', async () => {
    const { user, browser } = await signedIn('pagedisabler');
    const phone = new BrowserClient(server.url, 'phone');
    expect((await phone.signIn('pagedisabler', 'relbasidegap-Pass-1234')).status).toBe(302);
    await enableTotpWithForms(browser);
    await browser.postForm(`${PAGE}/backup-codes`, {});
    expect((await phone.get('/account')).status).toBe(200);

    await browser.get(PAGE);
    const off = await browser.postForm(`${PAGE}/totp/disable`, {});
    expect(off.status).toBe(303);
    const page = await browser.get(off.headers.get('location')!);
    expect(flashOf(page.text_)).toBe(
      'Authenticator app disabled. Your other sessions were signed out.',
    );
    expect(page.text_).toContain('Two-factor authentication is <strong>off</strong>');
    expect((await tf().status(user)).enabled).toEqual([]);
    expect((await tf().status(user)).backup_codes_remaining).toBe(0);
    expect((await phone.get('/account')).status).toBe(302);
    expect((await browser.get('/account')).status).toBe(200);
    expect(await auditOf(user, 'two_factor.disabled')).toMatchObject([
      { details: { provider: 'totp', sessions_ended: 1, by: user.id } },
    ]);
    // Disabling what is not on says so.
    const again = await browser.postForm(`${PAGE}/totp/disable`, {});
    expect(again.status).toBe(400);
    expect(flashOf(again.text_)).toBe('That method is not enabled.');
  });

  it('chooses the primary method among the enabled ones, never recovery codes', async () => {
    const { user, browser } = await signedIn('pageprimary');
    await enableTotpWithForms(browser);
    // A second method: email codes (through the mail, see below), enabled via the service here.
    await tf().sendProofCode(user, '127.0.0.1');
    await tf().confirmProofCode(user, await mailedCode(user.email, 1), true);
    await browser.postForm(`${PAGE}/backup-codes`, {});
    const page = await browser.get(PAGE);
    expect(page.text_).toMatch(
      /<select name="provider" id="primary-provider"><option value="totp" selected>Authenticator app<\/option><option value="email">Email code<\/option><\/select>/,
    );
    const saved = await browser.postForm(`${PAGE}/primary`, { provider: 'email' });
    expect(saved.status).toBe(303);
    expect(flashOf((await browser.get(saved.headers.get('location')!)).text_)).toBe(
      'Primary method saved.',
    );
    expect((await tf().status(user)).primary).toBe('email');
    for (const provider of ['backup_codes', 'webauthn', 'nope']) {
      const refused = await browser.postForm(`${PAGE}/primary`, { provider });
      expect(refused.status).toBe(400);
      expect(flashOf(refused.text_)).toBe('Choose an enabled method other than recovery codes.');
    }
    expect((await tf().status(user)).primary).toBe('email');
  });

  it('enrolment-only session: only /account/two-factor (and step-up) until a method is enabled', async () => {
    await writeSettings(db(), { requiredTwoFactorRoles: ['contributor'] });
    try {
      const user = await server.createUser('pageenrollee', 'contributor');
      const browser = new BrowserClient(server.url);
      const signIn = await browser.signIn('pageenrollee', 'eellorneegap-Pass-1234');
      expect(signIn.status).toBe(302);
      expect(signIn.headers.get('location')).toBe(PAGE);
      for (const path of ['/account', '/admin/users', '/account/application-passwords/x']) {
        const r = await browser.get(path);
        expect(r.status, path).toBe(302);
        expect(r.headers.get('location'), path).toBe(PAGE);
      }
      const page = await browser.get(PAGE);
      expect(page.status).toBe(200);
      expect(page.text_).toContain('id="enrolment-required"');
      expect(page.text_).toContain('Your account requires two-factor authentication.');
      expect(page.text_).not.toContain('id="continue-to-account"');
      const nonce = await browser.restNonce();
      const me = await browser.get('/wp-json/wp/v2/users/me', { 'x-wp-nonce': nonce });
      expect(me.status).toBe(403);
      expect(JSON.parse(me.text_).code).toBe('latchkey_enrolment_required');

      // Recovery codes cannot be the way out.
      expect((await browser.postForm(`${PAGE}/backup-codes`, {})).status).toBe(409);
      expect((await browser.get('/account')).status).toBe(302);

      // Enrolling after 10 minutes: the step-up page is reachable from this session.
      server.clock.advance(TEN_MINUTES + 1000);
      await browser.get(PAGE);
      const stale = await browser.postForm(`${PAGE}/totp`, {});
      expect(stale.headers.get('location')).toBe(REAUTH);
      const reauth = await browser.get(REAUTH);
      expect(reauth.status).toBe(200);
      expect(reauth.text_).toContain('action="/login/reauth"');
      const confirmed = await browser.postForm('/login/reauth', {
        pwd: 'eellorneegap-Pass-1234',
        redirect_to: PAGE,
      });
      expect(confirmed.headers.get('location')).toBe(PAGE);
      await browser.get(PAGE);

      await enableTotpWithForms(browser, 'enrolled');
      const after = await browser.get(`${PAGE}?done=enrolled`);
      expect(flashOf(after.text_)).toBe(
        'Two-factor authentication is set up: you can now use your account.',
      );
      expect(after.text_).not.toContain('id="enrolment-required"');
      expect(after.text_).toContain('<a href="/account" id="continue-to-account">');
      expect((await browser.get('/account')).status).toBe(200);
      expect((await browser.get('/wp-json/wp/v2/users/me', { 'x-wp-nonce': nonce })).status).toBe(
        200,
      );
      const session = await db()
        .selectFrom('sessions')
        .select(['enrolment_only', 'second_factor'])
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow();
      expect(Number(session.enrolment_only)).toBe(0);
      expect(session.second_factor).toBe('totp');
    } finally {
      await writeSettings(db(), { requiredTwoFactorRoles: [] });
    }
  });

  it('verifies the email address on /account with a code mailed over SMTP (the email method stays off)', async () => {
    const { user, browser } = await signedIn('pageverifier');
    const account = await browser.get('/account');
    expect(account.text_).toContain('id="email-verification"');
    expect(account.text_).toContain('id="send-email-code"');
    expect(account.text_).not.toContain('id="verify-email-form"');

    const sent = await browser.postForm('/account/email/send-code', {});
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/account?done=email_code_sent#email-verification');
    const code = await mailedCode(user.email, 1);
    const mail = textPart(smtp.messages.filter((m) => m.to.includes(user.email))[0]!.raw);
    expect(mail).toContain('confirm this email address on Latchkey');
    expect(mail).toContain('valid for 10 minutes');

    const withForm = await browser.get('/account?done=email_code_sent');
    expect(flashOf(withForm.text_)).toBe('We sent a code to your email address: enter it below.');
    expect(withForm.text_).toContain('id="verify-email-form"');
    // A second code at once is throttled, with the wait.
    const throttled = await browser.postForm('/account/email/send-code', {});
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(flashOf(throttled.text_)).toMatch(/^Wait \d+ seconds before asking for another code\.$/);

    const wrong = await browser.postForm('/account/email/verify', {
      code: String((Number(code) + 1) % 100_000_000).padStart(8, '0'),
    });
    expect(wrong.status).toBe(400);
    expect(flashOf(wrong.text_)).toBe('That code is not correct or has expired.');
    const ok = await browser.postForm('/account/email/verify', {
      code: `${code.slice(0, 4)} ${code.slice(4)}`,
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/account?done=email_verified');
    const verified = await browser.get('/account?done=email_verified');
    expect(flashOf(verified.text_)).toBe('Your email address is verified.');
    expect(verified.text_).toContain('id="email-verified"');
    expect(verified.text_).not.toContain('id="email-verification"');
    const row = await db()
      .selectFrom('users')
      .select('email_verified_at')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.email_verified_at).not.toBeNull();
    expect((await tf().status(user)).enabled).toEqual([]);
    // Single use.
    expect((await browser.postForm('/account/email/verify', { code })).status).toBe(400);
  });

  it('enables email codes: a proof code is mailed and must be entered', async () => {
    const { user, browser } = await signedIn('pagemailcodes');
    const sent = await browser.postForm(`${PAGE}/email`, {});
    expect(sent.status).toBe(200);
    expect(flashOf(sent.text_)).toBe(`We sent a code to ${user.email}.`);
    expect(sent.text_).toContain(`action="${PAGE}/email/confirm"`);
    const code = await mailedCode(user.email, 1);
    expect((await tf().status(user)).enabled).toEqual([]);

    const resend = await browser.postForm(`${PAGE}/email`, {});
    expect(resend.status).toBe(429);
    expect(resend.text_).toContain(`action="${PAGE}/email/confirm"`);

    const wrong = await browser.postForm(`${PAGE}/email/confirm`, { code: '00000000' });
    expect(wrong.status).toBe(400);
    expect(flashOf(wrong.text_)).toBe('That code is not correct or has expired.');
    const ok = await browser.postForm(`${PAGE}/email/confirm`, { code });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`${PAGE}?done=email_enabled`);
    const page = await browser.get(`${PAGE}?done=email_enabled`);
    expect(page.text_).toContain('Enabled: <span id="enabled-methods">Email code</span>');
    expect(page.text_).toContain('id="disable-email"');
    expect(await auditOf(user, 'two_factor.enabled')).toMatchObject([
      { details: { provider: 'email' } },
    ]);
    expect((await browser.get('/account')).text_).toContain('id="email-verified"');
  });

  it('lists security keys (names escaped) and removes them with POST forms; adding one without JavaScript says why', async () => {
    const { user, browser } = await signedIn('pagekeys');
    const { saveTwoFactorState } = await import('../../src/two-factor/state.js');
    const created = server.clock.now;
    for (const [id, name] of [
      ['key-one', 'Blue <script>alert(1)</script> key'],
      ['key-two', 'Backup "key"'],
    ] as const) {
      await db()
        .insertInto('webauthn_credentials')
        .values({
          id,
          user_id: user.id,
          name,
          public_key: 'AAAA',
          counter: 0,
          transports: '[]',
          created,
          last_used: null,
        })
        .execute();
    }
    await saveTwoFactorState(db(), user.id, { enabled: ['webauthn'], primary: 'webauthn' });
    const page = await browser.get(PAGE);
    expect(page.text_).toContain(
      '<td data-label="Name">Blue &lt;script&gt;alert(1)&lt;/script&gt; key</td>',
    );
    expect(page.text_).not.toContain('<script>alert(1)');
    expect(page.text_).toContain('aria-label="Remove Backup &quot;key&quot;"');
    expect(page.text_).toContain(`href="${PAGE}/webauthn/key-one/remove"`);

    const noScript = await browser.postForm(`${PAGE}/webauthn`, { name: 'Mine' });
    expect(noScript.status).toBe(400);
    expect(flashOf(noScript.text_)).toBe('Adding a security key needs JavaScript in the browser.');

    const removed = await browser.postForm(`${PAGE}/webauthn/key-one/remove`, {});
    expect(removed.status).toBe(303);
    expect(removed.headers.get('location')).toBe(`${PAGE}?done=key_removed`);
    expect((await tf().status(user)).webauthn.map((k) => k.id)).toEqual(['key-two']);
    expect((await tf().status(user)).enabled).toEqual(['webauthn']);
    const missing = await browser.postForm(`${PAGE}/webauthn/key-one/remove`, {});
    expect(missing.status).toBe(404);
    await browser.postForm(`${PAGE}/webauthn/key-two/remove`, {});
    expect((await tf().status(user)).enabled).toEqual([]);
    expect(await auditOf(user, 'two_factor.disabled')).toHaveLength(2);
  });
});
