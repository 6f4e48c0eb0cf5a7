/**
 * SPEC §6.5's session rules (ASVS 7.3.1, 7.2.4, 7.5.1) over real HTTP on both stores, with the
 * server's injectable clock (never sleeps): the idle timeout of 30 minutes (14 days with
 * remember-me) next to the absolute lifetime, right despite `last_seen` being coalesced; a new
 * session token (and the old one dead) after step-up with a password or a second factor and when
 * an enrolment-only session is lifted; and one's own password over cookie + nonce needing a
 * sign-in in the last 10 minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSettings } from '../../src/settings/index.js';
import {
  IDLE_TIMEOUT_MS,
  LAST_SEEN_COALESCE_MS,
  SESSION_COOKIE,
  sessionIsLive,
} from '../../src/sessions/index.js';
import { totpCode } from '../../src/two-factor/index.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { startTestServer, testPassword, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { challengeOf, codeNow, enableTotp, submitCode } from '../helpers/twoFactor.js';

const MINUTE = 60_000;
const DAY = 24 * 3600_000;

describe('sessionIsLive, the pure decision (SPEC §6.5)', () => {
  const base = { expires: 10 * DAY, lastSeen: 0 };
  it('ends an ordinary session after 30 idle minutes, allowing for the coalesced last_seen', () => {
    const s = { ...base, remember: false };
    expect(sessionIsLive(s, IDLE_TIMEOUT_MS)).toBe(true);
    expect(sessionIsLive(s, IDLE_TIMEOUT_MS + LAST_SEEN_COALESCE_MS)).toBe(true);
    expect(sessionIsLive(s, IDLE_TIMEOUT_MS + LAST_SEEN_COALESCE_MS + 1)).toBe(false);
  });
  it('keeps a remembered one for 14 idle days, and neither past its absolute lifetime', () => {
    expect(sessionIsLive({ ...base, remember: true }, 9 * DAY)).toBe(true);
    expect(sessionIsLive({ ...base, remember: true }, 10 * DAY)).toBe(false);
    expect(sessionIsLive({ expires: 20 * DAY, lastSeen: 0, remember: true }, 15 * DAY)).toBe(false);
  });
});

describe.each(STORES)('session rules, SPEC §6.5 ($name)', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  const signedIn = async (login: string, extra: Record<string, string> = {}) => {
    const user = await server.createUser(login, 'author');
    const browser = new BrowserClient(server.url);
    const response = await browser.signIn(login, testPassword(login), extra);
    expect(response.status).toBe(302);
    return { user, browser };
  };
  const account = async (browser: BrowserClient) => (await browser.get('/account')).status;

  it('an ordinary session ends after 30 minutes without a request; activity keeps it', async () => {
    const { browser } = await signedIn('idler');
    server.clock.advance(29 * MINUTE);
    expect(await account(browser)).toBe(200);
    server.clock.advance(29 * MINUTE);
    expect(await account(browser)).toBe(200);
    // Well inside the absolute lifetime of 2 days, but idle for longer than the timeout.
    server.clock.advance(32 * MINUTE);
    const after = await browser.get('/account');
    expect(after.status).toBe(302);
    expect(after.headers.get('location')).toMatch(/^\/login/);
  });

  it('the coalesced last_seen never ends a session early, and REST stops too', async () => {
    const { browser } = await signedIn('coalescer');
    const nonce = await browser.restNonce();
    // A request within the coalescing minute is not written to the store...
    server.clock.advance(LAST_SEEN_COALESCE_MS - 10_000);
    expect(await account(browser)).toBe(200);
    // ...yet 30 minutes after it the session is still there (31 min after the recorded one).
    server.clock.advance(IDLE_TIMEOUT_MS);
    const me = await browser.get('/wp-json/wp/v2/users/me', { 'x-wp-nonce': nonce });
    expect(me.status).toBe(200);
    server.clock.advance(IDLE_TIMEOUT_MS + LAST_SEEN_COALESCE_MS + 1);
    const late = await browser.get('/wp-json/wp/v2/users/me', { 'x-wp-nonce': nonce });
    expect(late.status).toBe(401);
    expect(JSON.parse(late.text_).code).toBe('rest_not_logged_in');
  });

  it('remember-me keeps an idle session for days, never past 14 days', async () => {
    const { browser } = await signedIn('rememberer', { rememberme: 'forever' });
    server.clock.advance(3 * DAY);
    expect(await account(browser)).toBe(200);
    server.clock.advance(11 * DAY);
    expect(await account(browser)).toBe(302);
  });

  it('step-up with the password replaces the session token; the old one is dead', async () => {
    const { browser } = await signedIn('stepper');
    const before = browser.cookies.get(SESSION_COOKIE)!;
    server.clock.advance(11 * MINUTE);
    await browser.get('/login/reauth?redirect_to=%2Faccount');
    const confirmed = await browser.postForm('/login/reauth', {
      pwd: testPassword('stepper'),
      redirect_to: '/account',
    });
    expect(confirmed.status).toBe(303);
    const after = browser.cookies.get(SESSION_COOKIE)!;
    expect(after).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(after).not.toBe(before);
    expect(await account(browser)).toBe(200);
    const old = new BrowserClient(server.url);
    old.cookies.set(SESSION_COOKIE, before);
    expect(await account(old)).toBe(302);
  });

  it('step-up with a second factor replaces the session token too', async () => {
    const user = await server.createUser('stepper2fa', 'author');
    const secret = await enableTotp(server, user);
    const browser = new BrowserClient(server.url);
    const step = await browser.signIn('stepper2fa', testPassword('stepper2fa'));
    const done = await submitCode(
      browser,
      challengeOf(step.text_),
      'totp',
      codeNow(server, secret),
    );
    expect(done.status).toBe(302);
    const before = browser.cookies.get(SESSION_COOKIE)!;
    server.clock.advance(11 * MINUTE);
    await browser.get('/login/reauth?redirect_to=%2Faccount');
    const password = await browser.postForm('/login/reauth', {
      pwd: testPassword('stepper2fa'),
      redirect_to: '/account',
    });
    expect(password.status).toBe(200);
    // The password alone changed nothing yet.
    expect(browser.cookies.get(SESSION_COOKIE)).toBe(before);
    const back = await submitCode(
      browser,
      challengeOf(password.text_),
      'totp',
      codeNow(server, secret),
    );
    expect(back.status).toBe(303);
    expect(browser.cookies.get(SESSION_COOKIE)).not.toBe(before);
    const old = new BrowserClient(server.url);
    old.cookies.set(SESSION_COOKIE, before);
    expect(await account(old)).toBe(302);
    expect(await account(browser)).toBe(200);
  });

  it('lifting an enrolment-only session replaces its token', async () => {
    await writeSettings(server.latchkey.store.db, { requiredTwoFactorRoles: ['contributor'] });
    try {
      await server.createUser('enrollee', 'contributor');
      const browser = new BrowserClient(server.url);
      const signIn = await browser.signIn('enrollee', testPassword('enrollee'));
      expect(signIn.headers.get('location')).toBe('/account/two-factor');
      const before = browser.cookies.get(SESSION_COOKIE)!;
      await browser.get('/account/two-factor');
      const setup = await browser.postForm('/account/two-factor/totp', {});
      const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(setup.text_)![1]!.replaceAll(' ', '');
      const done = await browser.postForm('/account/two-factor/totp/confirm', {
        code: totpCode({ secret, timeMs: server.clock.now }),
      });
      expect(done.status).toBe(303);
      expect(browser.cookies.get(SESSION_COOKIE)).not.toBe(before);
      expect(await account(browser)).toBe(200);
      const old = new BrowserClient(server.url);
      old.cookies.set(SESSION_COOKIE, before);
      expect(await account(old)).toBe(302);
    } finally {
      await writeSettings(server.latchkey.store.db, { requiredTwoFactorRoles: [] });
    }
  });

  it('lifting an enrolment-only session over REST sends the new token as Set-Cookie', async () => {
    await writeSettings(server.latchkey.store.db, { requiredTwoFactorRoles: ['contributor'] });
    try {
      await server.createUser('restenrollee', 'contributor');
      const browser = new BrowserClient(server.url);
      await browser.signIn('restenrollee', testPassword('restenrollee'));
      const before = browser.cookies.get(SESSION_COOKIE)!;
      const nonce = await browser.restNonce();
      const call = (method: string, body?: unknown) =>
        browser.request('/wp-json/latchkey/v1/users/me/two-factor/totp', {
          method,
          headers: { 'x-wp-nonce': nonce, 'content-type': 'application/json' },
          body: JSON.stringify(body ?? {}),
        });
      const started = await call('POST', {});
      expect(started.status).toBe(200);
      const { secret } = JSON.parse(started.text_) as { secret: string };
      const enabled = await call('PUT', { code: totpCode({ secret, timeMs: server.clock.now }) });
      expect(enabled.status).toBe(200);
      expect(enabled.headers.getSetCookie().join('\n')).toMatch(
        /latchkey_session=[^;]+; .*HttpOnly/,
      );
      expect(browser.cookies.get(SESSION_COOKIE)).not.toBe(before);
      expect(await account(browser)).toBe(200);
      const old = new BrowserClient(server.url);
      old.cookies.set(SESSION_COOKIE, before);
      expect(await account(old)).toBe(302);
    } finally {
      await writeSettings(server.latchkey.store.db, { requiredTwoFactorRoles: [] });
    }
  });

  it('one’s own password over cookie + nonce needs a sign-in in the last 10 minutes', async () => {
    const { browser } = await signedIn('restchanger');
    const nonce = await browser.restNonce();
    const change = () =>
      browser.request('/wp-json/wp/v2/users/me', {
        method: 'POST',
        headers: { 'x-wp-nonce': nonce, 'content-type': 'application/json' },
        body: JSON.stringify({ password: 'lantern-moss-river-42' }),
      });
    server.clock.advance(11 * MINUTE);
    const stale = await change();
    expect(stale.status).toBe(403);
    expect(JSON.parse(stale.text_)).toMatchObject({
      code: 'latchkey_reauth_required',
      data: { status: 403, reauth_url: expect.stringMatching(/^\/login\/reauth\?redirect_to=/) },
    });
    await browser.get('/login/reauth?redirect_to=%2Faccount');
    await browser.postForm('/login/reauth', {
      pwd: testPassword('restchanger'),
      redirect_to: '/account',
    });
    expect((await change()).status).toBe(200);
  });
});
