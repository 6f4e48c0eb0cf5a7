import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserDisabled } from '../../src/accounts/index.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe.each(STORES)('sign-in and sessions, SPEC §2, §6.1, §7 ($name)', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  it('signs in with login or email and lands on the account page', async () => {
    const browser = new BrowserClient(server.url);
    const response = await browser.signIn('admin', ADMIN_PASSWORD);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/account');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('latchkey_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Max-Age/i);
    const account = await browser.get('/account');
    expect(account.status).toBe(200);
    expect(account.text_).toContain('Signed in as <strong>admin</strong>');

    await server.createUser('emailer', 'author');
    const byEmail = await new BrowserClient(server.url).signIn(
      'EMAILER@example.com',
      'reliame-Pass-1234',
    );
    expect(byEmail.status).toBe(302);
  });

  it('says the same for an unknown login and a wrong password, and spends the same hashing work', async () => {
    await server.createUser('timing', 'subscriber');
    const browser = new BrowserClient(server.url);
    const wrong: number[] = [];
    const unknown: number[] = [];
    let wrongBody = '';
    let unknownBody = '';
    for (let i = 0; i < 4; i++) {
      await browser.get('/login');
      let t = performance.now();
      const a = await browser.postForm('/login', { log: 'timing', pwd: `nope-${i}` });
      wrong.push(performance.now() - t);
      t = performance.now();
      const b = await browser.postForm('/login', { log: `ghost-${i}`, pwd: `nope-${i}` });
      unknown.push(performance.now() - t);
      expect(a.status).toBe(200);
      expect(b.status).toBe(200);
      wrongBody = a.text_.match(/<p class="error"[^>]*>([^<]*)</)![1]!;
      unknownBody = b.text_.match(/<p class="error"[^>]*>([^<]*)</)![1]!;
    }
    expect(unknownBody).toBe(wrongBody);
    expect(wrongBody).toBe('Unknown username or email, or wrong password.');
    // Not a speed assertion: an unknown login must also run an argon2 verification, which
    // costs tens of milliseconds; skipping it would make the unknown case many times faster.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.25);
  });

  it('makes the sixth try from one address wait after five failures, for existing and unknown logins alike', async () => {
    await server.createUser('target', 'subscriber');
    for (const log of ['target', 'nobody-here']) {
      const browser = new BrowserClient(server.url);
      await browser.get('/login');
      for (let i = 0; i < 5; i++)
        expect((await browser.postForm('/login', { log, pwd: 'wrong-password' })).status).toBe(200);
      const blocked = await browser.postForm('/login', {
        log,
        pwd: log === 'target' ? 'tegrat-Pass-1234' : 'x',
      });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(blocked.text_).toMatch(
        /Too many failed sign-in attempts\. Try again in \d+ seconds?\./,
      );
    }
  });

  it('a concurrent burst of guesses gets no more password checks than the free ones', async () => {
    await server.createUser('burst', 'subscriber');
    const browser = new BrowserClient(server.url);
    await browser.get('/login');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => browser.postForm('/login', { log: 'burst', pwd: 'guess' })),
    );
    const checked = responses.filter((r) => r.status === 200).length;
    expect(checked).toBeLessThanOrEqual(6);
    expect(responses.filter((r) => r.status === 429).length).toBe(20 - checked);
  });

  it('gives a remember-me session a 14-day cookie', async () => {
    const browser = new BrowserClient(server.url);
    const response = await browser.signIn('admin', ADMIN_PASSWORD, { rememberme: 'forever' });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('latchkey_session='))!;
    expect(cookie).toMatch(/Max-Age=1209600/);
  });

  it('honours a same-site redirect_to and ignores one to another host', async () => {
    const same = await new BrowserClient(server.url).signIn('admin', ADMIN_PASSWORD, {
      redirect_to: '/admin/users?x=1',
    });
    expect(same.headers.get('location')).toBe('/admin/users?x=1');
    for (const evil of [
      'https://evil.example/steal',
      '//evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      const r = await new BrowserClient(server.url).signIn('admin', ADMIN_PASSWORD, {
        redirect_to: evil,
      });
      expect(r.status).toBe(302);
      expect(r.headers.get('location')).toBe('/account');
    }
    const absolute = await new BrowserClient(server.url).signIn('admin', ADMIN_PASSWORD, {
      redirect_to: `${server.url}/account?from=abs`,
    });
    expect(absolute.headers.get('location')).toBe('/account?from=abs');
  });

  it('refuses a sign-in without the CSRF token, with a wrong one, or from another origin', async () => {
    const browser = new BrowserClient(server.url);
    await browser.get('/login');
    expect(
      (await browser.postForm('/login', { _csrf: null, log: 'admin', pwd: ADMIN_PASSWORD })).status,
    ).toBe(403);
    expect(
      (await browser.postForm('/login', { _csrf: 'forged', log: 'admin', pwd: ADMIN_PASSWORD }))
        .status,
    ).toBe(403);
    const crossSite = await browser.postForm(
      '/login',
      { log: 'admin', pwd: ADMIN_PASSWORD },
      { origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    expect(browser.cookies.has('latchkey_session')).toBe(false);
    // A token from another browser's cookie does not work either (double submit is bound).
    const other = new BrowserClient(server.url);
    await other.get('/login');
    expect(
      (
        await browser.postForm('/login', {
          _csrf: other.lastCsrf!,
          log: 'admin',
          pwd: ADMIN_PASSWORD,
        })
      ).status,
    ).toBe(403);
  });

  it('refuses a disabled user and ends their sessions at once', async () => {
    const user = await server.createUser('leaver', 'editor');
    const browser = new BrowserClient(server.url);
    expect((await browser.signIn('leaver', 'revael-Pass-1234')).status).toBe(302);
    expect((await browser.get('/account')).status).toBe(200);

    const admin = new BrowserClient(server.url);
    await admin.signIn('admin', ADMIN_PASSWORD);
    await admin.get(`/admin/users/${user.id}`);
    const disabled = await admin.postForm(`/admin/users/${user.id}/disable`, {});
    expect(disabled.status).toBe(303);

    const after = await browser.get('/account');
    expect(after.status).toBe(302);
    expect(after.headers.get('location')).toMatch(/^\/login/);
    const again = await new BrowserClient(server.url).signIn('leaver', 'revael-Pass-1234');
    expect(again.status).toBe(403);
    expect(again.text_).toContain('This account is disabled');
  });

  it('a session of a user disabled directly in the store stops working on the next request', async () => {
    const user = await server.createUser('quiet', 'author');
    const browser = new BrowserClient(server.url);
    await browser.signIn('quiet', 'teiuq-Pass-1234');
    await setUserDisabled(server.latchkey.store.db, user, true);
    expect((await browser.get('/account')).status).toBe(302);
  });

  it('ends the other sessions when the password changes, and keeps this one', async () => {
    await server.createUser('changer', 'author');
    const laptop = new BrowserClient(server.url);
    const phone = new BrowserClient(server.url);
    await laptop.signIn('changer', 'regnahc-Pass-1234');
    await phone.signIn('changer', 'regnahc-Pass-1234');
    await laptop.get('/account');
    const wrongCurrent = await laptop.postForm('/account/password', {
      current_password: 'bad',
      new_password: 'wen-Pass-5678',
      confirm_password: 'wen-Pass-5678',
    });
    expect(wrongCurrent.status).toBe(400);
    const changed = await laptop.postForm('/account/password', {
      current_password: 'regnahc-Pass-1234',
      new_password: 'wen-Pass-5678',
      confirm_password: 'wen-Pass-5678',
    });
    expect(changed.status).toBe(303);
    expect((await laptop.get('/account')).status).toBe(200);
    expect((await phone.get('/account')).status).toBe(302);
    expect(
      (await new BrowserClient(server.url).signIn('changer', 'regnahc-Pass-1234')).status,
    ).toBe(200);
    expect((await new BrowserClient(server.url).signIn('changer', 'wen-Pass-5678')).status).toBe(
      302,
    );
    const events = (await laptop.get('/account')).text_;
    expect(events).toContain('password.changed');
    expect(events).toContain('login.success');
  });

  it('lists sessions and logs out everywhere else', async () => {
    await server.createUser('traveller', 'author');
    const a = new BrowserClient(server.url, 'Browser A');
    const b = new BrowserClient(server.url, 'Browser B');
    await a.signIn('traveller', 'rellevart-Pass-1234');
    await b.signIn('traveller', 'rellevart-Pass-1234');
    const page = await a.get('/account');
    expect(page.text_).toContain('Browser A');
    expect(page.text_).toContain('Browser B');
    expect((await a.postForm('/account/sessions/end-others', {})).status).toBe(303);
    expect((await b.get('/account')).status).toBe(302);
    const after = await a.get('/account');
    expect(after.status).toBe(200);
    const sessionsTable = after.text_.slice(
      after.text_.indexOf('id="sessions"'),
      after.text_.indexOf('id="activity"'),
    );
    expect(sessionsTable).toContain('Browser A');
    expect(sessionsTable).not.toContain('Browser B');
  });

  it('signs out with POST /logout, and the old cookie is dead', async () => {
    const browser = new BrowserClient(server.url);
    await browser.signIn('admin', ADMIN_PASSWORD);
    const token = browser.cookies.get('latchkey_session')!;
    await browser.get('/account');
    const out = await browser.postForm('/logout', {});
    expect(out.status).toBe(302);
    const replay = new BrowserClient(server.url);
    replay.cookies.set('latchkey_session', token);
    expect((await replay.get('/account')).status).toBe(302);
  });

  it('an expired session no longer signs anyone in', async () => {
    const browser = new BrowserClient(server.url);
    await browser.signIn('admin', ADMIN_PASSWORD);
    server.clock.advance(2 * 24 * 3600 * 1000 + 1000);
    try {
      expect((await browser.get('/account')).status).toBe(302);
    } finally {
      server.clock.advance(-(2 * 24 * 3600 * 1000 + 1000));
    }
  });
});
