/**
 * The HTML pages in a real headless Chromium (driven by playwright-core): sign-in, changing the
 * password, sessions on two devices, and the frame-busting / no-inline-script guarantees.
 *
 * Runs on the SQLite store only: this suite is about the UI, the store suites cover PostgreSQL.
 * Screenshots of the key screens go to test-results/browser/ at the repository root.
 *
 * Chromium is taken from CHROMIUM_PATH (default /usr/bin/chromium). When it is missing the suite
 * skips with the reason in its title, unless REQUIRE_BROWSER=1, in which case it fails
 * (../helpers/chromium.ts holds those rules, the launch flags and the device set-up).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserSuiteTitle,
  chromiumMissing,
  launchChromium,
  openDevice,
  screenshot,
  shouldSkipBrowser,
} from '../helpers/chromium.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const sqlite = STORES.find((s) => s.name === 'sqlite')!;

describe.skipIf(shouldSkipBrowser)(browserSuiteTitle('sign-in and sessions, SPEC §6.1'), () => {
  if (chromiumMissing()) return;

  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ store: sqlite });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /**
   * A fresh browser profile ("device"); its pages record policy violations and script errors
   * (JavaScript dialogs are not recorded in this suite).
   */
  const device = (userAgent: string) =>
    openDevice(browser, server.url, userAgent, { dialogs: false });

  const pathOf = (page: Page) => new URL(page.url()).pathname;

  /** Clicks a submit button and waits until the browser shows the page the predicate expects. */
  async function submitAndWaitFor(
    page: Page,
    button: Locator,
    arrived: (url: URL) => boolean,
  ): Promise<void> {
    await Promise.all([page.waitForURL(arrived, { waitUntil: 'load' }), button.click()]);
  }

  /** Types the credentials into the sign-in form and presses the button (the page must show the form). */
  async function fillSignInForm(page: Page, login: string, password: string): Promise<void> {
    const form = page.locator('#loginform');
    await form.getByLabel('Username or email').fill('');
    await form.getByLabel('Username or email').pressSequentially(login);
    await form.getByLabel('Password', { exact: true }).pressSequentially(password);
  }

  const signInButton = (page: Page) =>
    page.locator('#loginform').getByRole('button', { name: 'Sign in' });

  /** Signs in through the form and waits for the account page. */
  async function signIn(page: Page, login: string, password: string): Promise<void> {
    await page.goto('/login');
    await fillSignInForm(page, login, password);
    await submitAndWaitFor(page, signInButton(page), (u) => u.pathname === '/account');
  }

  /** Signs in with a password that should be refused, and returns the error the page shows. */
  async function failedSignIn(
    page: Page,
    login: string,
    password: string,
  ): Promise<{ status: number; error: string }> {
    await page.goto('/login');
    await fillSignInForm(page, login, password);
    const posted = page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login',
    );
    await signInButton(page).click();
    const response = await posted;
    const error = page.locator('main p.error[role="alert"]');
    await error.waitFor();
    return { status: response.status(), error: (await error.innerText()).trim() };
  }

  const flash = async (page: Page) =>
    (await page.locator('main > p[role]').first().innerText()).trim();

  it('signs in through the form and lands on the account page', async () => {
    const { context, page, problems } = await device('Latchkey browser test (sign-in)');
    try {
      // A signed-out visit to the account page goes to the form and comes back after signing in.
      await page.goto('/account');
      expect(pathOf(page)).toBe('/login');
      expect(new URL(page.url()).searchParams.get('redirect_to')).toBe('/account');
      await expect(page.locator('h1').innerText()).resolves.toBe('Sign in');
      await expect(page.locator('#loginform input[name="redirect_to"]').inputValue()).resolves.toBe(
        '/account',
      );
      await expect(
        page.getByLabel('Username or email').evaluate((el) => el === document.activeElement),
      ).resolves.toBe(true);

      await fillSignInForm(page, 'admin', ADMIN_PASSWORD);
      await screenshot(page, '01-sign-in-form');
      await submitAndWaitFor(page, signInButton(page), (u) => u.pathname === '/account');

      await expect(page.locator('h1').innerText()).resolves.toBe('Your account');
      const signedInAs = (await page.locator('main p.muted').first().innerText()).trim();
      expect(signedInAs).toContain('Signed in as admin');
      expect(signedInAs).toContain('Administrator');
      // The header now offers the account link, the users screen, and the Log out button.
      const header = page.locator('header');
      await expect(header.getByRole('button', { name: 'Log out' }).isVisible()).resolves.toBe(true);
      await expect(header.getByRole('link', { name: 'Users' }).isVisible()).resolves.toBe(true);

      // The session cookie exists, is HttpOnly, and lives for the browser session only.
      const session = (await context.cookies()).find((c) => c.name === 'latchkey_session');
      expect(session).toBeDefined();
      expect(session!.httpOnly).toBe(true);
      expect(session!.sameSite).toBe('Lax');
      expect(session!.expires).toBe(-1);
      await expect(page.evaluate(() => document.cookie)).resolves.not.toContain('latchkey_session');

      // The stylesheet loaded under the page's CSP (buttons carry the accent colour).
      const background = await page
        .getByRole('button', { name: 'Save profile' })
        .evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(background).toBe('rgb(36, 88, 211)');

      await screenshot(page, '02-account');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('changes the password through the form; the new one signs in and the old one is refused', async () => {
    await server.createUser('pwchanger', 'author');
    const { context, page, problems } = await device('Latchkey browser test (password)');
    try {
      await signIn(page, 'pwchanger', 'regnahcwp-Pass-1234');
      const form = page.locator('form[action="/account/password"]');

      // A mismatched repeat is refused with the reason shown, and nothing changes.
      await form.getByLabel('Current password').fill('regnahcwp-Pass-1234');
      await form.getByLabel('New password', { exact: true }).fill('hserF-Pass-5678');
      await form.getByLabel('Repeat new password').fill('hserF-Pass-5679');
      const refused = page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/account/password',
      );
      await form.getByRole('button', { name: 'Change password' }).click();
      expect((await refused).status()).toBe(400);
      // The reason is beside the field it is about, which is marked invalid.
      await expect(page.locator('#account-confirm-password-error').innerText()).resolves.toBe(
        'The two new passwords do not match.',
      );
      await expect(
        page.locator('#account-confirm-password').getAttribute('aria-invalid'),
      ).resolves.toBe('true');

      // Now for real (the form is shown again after the refusal).
      const again = page.locator('form[action="/account/password"]');
      await again.getByLabel('Current password').pressSequentially('regnahcwp-Pass-1234');
      await again.getByLabel('New password', { exact: true }).pressSequentially('hserF-Pass-5678');
      await again.getByLabel('Repeat new password').pressSequentially('hserF-Pass-5678');
      await submitAndWaitFor(
        page,
        again.getByRole('button', { name: 'Change password' }),
        (u) => u.pathname === '/account' && u.searchParams.get('done') === 'password',
      );
      await expect(flash(page)).resolves.toBe(
        'Password changed. Your other sessions were signed out.',
      );
      await screenshot(page, '03-password-changed');

      // Sign out with the header button.
      await submitAndWaitFor(
        page,
        page.locator('header').getByRole('button', { name: 'Log out' }),
        (u) => u.pathname === '/login' && u.searchParams.get('notice') === 'loggedout',
      );
      await expect(flash(page)).resolves.toBe('You are now signed out.');
      expect((await context.cookies()).some((c) => c.name === 'latchkey_session')).toBe(false);
      await page.goto('/account');
      expect(pathOf(page)).toBe('/login');

      // The old password no longer works, and the page says so.
      const old = await failedSignIn(page, 'pwchanger', 'regnahcwp-Pass-1234');
      expect(old.status).toBe(200);
      expect(old.error).toBe('Unknown username or email, or wrong password.');
      expect(pathOf(page)).toBe('/login');
      // The login is kept in the field, the password is not.
      await expect(page.getByLabel('Username or email').inputValue()).resolves.toBe('pwchanger');
      await expect(page.getByLabel('Password', { exact: true }).inputValue()).resolves.toBe('');
      await screenshot(page, '04-old-password-refused');

      // The new one does.
      await fillSignInForm(page, 'pwchanger', 'hserF-Pass-5678');
      await submitAndWaitFor(page, signInButton(page), (u) => u.pathname === '/account');
      await expect(page.locator('main p.muted').first().innerText()).resolves.toContain(
        'Signed in as pwchanger',
      );
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows both devices in the Sessions table and logs out everywhere else', async () => {
    await server.createUser('traveller', 'editor');
    const LAPTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) LatchkeyLaptop/1.0';
    const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14) LatchkeyPhone/2.0';
    const laptop = await device(LAPTOP_UA);
    const phone = await device(PHONE_UA);
    try {
      await signIn(laptop.page, 'traveller', 'rellevart-Pass-1234');
      await signIn(phone.page, 'traveller', 'rellevart-Pass-1234');
      await laptop.page.goto('/account');

      const rows = laptop.page.locator('h2#sessions + table tbody tr');
      expect(await rows.count()).toBe(2);
      // Each row names its browser in words and keeps the whole user agent in its title.
      const cells = rows.locator('td[data-label=Browser]');
      const browsers = await Promise.all((await cells.all()).map((c) => c.getAttribute('title')));
      expect(browsers.sort()).toEqual([PHONE_UA, LAPTOP_UA].sort());
      expect((await cells.allInnerTexts()).sort()).toEqual([
        'Android Browser on Android',
        'Mozilla on Linux',
      ]);
      // The laptop's own row is marked, the phone's row offers a Sign out button instead.
      const laptopRow = rows.filter({ has: laptop.page.locator('td[title*=LatchkeyLaptop]') });
      const phoneRow = rows.filter({ has: laptop.page.locator('td[title*=LatchkeyPhone]') });
      await expect(laptopRow.locator('.tag').innerText()).resolves.toBe('this session');
      await expect(phoneRow.getByRole('button', { name: 'Sign out' }).isVisible()).resolves.toBe(
        true,
      );
      await laptop.page.locator('h2#sessions').scrollIntoViewIfNeeded();
      await screenshot(laptop.page, '05-sessions-two-devices');

      await submitAndWaitFor(
        laptop.page,
        laptop.page.locator('#end-other-sessions'),
        (u) => u.pathname === '/account' && u.searchParams.get('done') === 'sessions',
      );
      await expect(flash(laptop.page)).resolves.toBe('Your other sessions were signed out.');
      expect(await rows.count()).toBe(1);
      await expect(
        rows.first().locator('td[data-label=Browser]').getAttribute('title'),
      ).resolves.toBe(LAPTOP_UA);
      await expect(laptop.page.locator('#end-other-sessions').count()).resolves.toBe(0);
      await expect(laptop.page.getByText('This is your only session.').isVisible()).resolves.toBe(
        true,
      );
      await screenshot(laptop.page, '06-sessions-after-log-out-everywhere-else');

      // The phone's next visit ends on the sign-in page, ready to come back to the account.
      await phone.page.goto('/account');
      expect(pathOf(phone.page)).toBe('/login');
      expect(new URL(phone.page.url()).searchParams.get('redirect_to')).toBe('/account');
      await expect(phone.page.locator('#loginform').isVisible()).resolves.toBe(true);
      await screenshot(phone.page, '07-other-device-signed-out');

      // The laptop still sees its account.
      await laptop.page.goto('/account');
      expect(pathOf(laptop.page)).toBe('/account');
      await expect(laptop.page.locator('main p.muted').first().innerText()).resolves.toContain(
        'Signed in as traveller',
      );
      expect(laptop.problems).toEqual([]);
      expect(phone.problems).toEqual([]);
    } finally {
      await laptop.context.close();
      await phone.context.close();
    }
  });

  it('sends frame-busting headers, cannot be framed, and uses no inline script', async () => {
    const { context, page, problems } = await device('Latchkey browser test (headers)');
    try {
      const pages: Array<{ name: string; body: string }> = [];
      const check = async (url: string) => {
        const response = await page.goto(url);
        expect(response, url).not.toBeNull();
        const headers = response!.headers();
        expect(headers['x-frame-options'], url).toBe('DENY');
        const csp = headers['content-security-policy'] ?? '';
        const directives = new Map(
          csp
            .split(';')
            .map((d) => d.trim().split(/\s+/))
            .map(([name = '', ...values]) => [name, values]),
        );
        expect(directives.get('frame-ancestors'), url).toEqual(["'none'"]);
        expect(directives.get('script-src') ?? directives.get('default-src'), url).not.toContain(
          "'unsafe-inline'",
        );
        expect(directives.get('script-src') ?? [], url).not.toContain("'unsafe-eval'");
        pages.push({ name: url, body: await response!.text() });
        // In the DOM: no inline <script>, no on* handler attributes, no javascript: URLs, no inline styles.
        const found = await page.evaluate(() => {
          const all = Array.from(document.querySelectorAll('*'));
          return {
            inlineScripts: document.querySelectorAll('script:not([src])').length,
            handlers: all.flatMap((el) =>
              Array.from(el.attributes)
                .filter((a) => /^on/i.test(a.name))
                .map((a) => `${el.tagName}[${a.name}]`),
            ),
            jsUrls: all.flatMap((el) =>
              Array.from(el.attributes)
                .filter((a) => /^\s*javascript:/i.test(a.value))
                .map((a) => `${el.tagName}[${a.name}]`),
            ),
            styleElements: document.querySelectorAll('style').length,
            styleAttributes: document.querySelectorAll('[style]').length,
          };
        });
        expect(found, url).toEqual({
          inlineScripts: 0,
          handlers: [],
          jsUrls: [],
          styleElements: 0,
          styleAttributes: 0,
        });
      };

      await check('/login');
      await check('/');
      await signIn(page, 'admin', ADMIN_PASSWORD);
      await check('/account');
      await check('/admin/users');
      await check('/no-such-page');
      // And in the markup as served (before any parsing): no <script> without src at all.
      for (const { name, body } of pages)
        expect(body, name).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);

      // The policy is enforced, not only sent: an inline script added to the page is refused.
      await page.goto('/account');
      const inlineRefused = page.waitForEvent('console', (m) =>
        /Content Security Policy/i.test(m.text()),
      );
      await expect(page.addScriptTag({ content: 'window.__inlineRan = true;' })).rejects.toThrow(
        /Content Security Policy|inline script/i,
      );
      expect((await inlineRefused).text()).toMatch(/inline script.*script-src 'self'/i);
      await expect(
        page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan === true),
      ).resolves.toBe(false);
      problems.length = 0; // that refusal was the point; anything after it still counts

      // Another origin cannot frame the (signed-in) account page, the juiciest clickjacking target
      // with its sign-out buttons: Chromium refuses the response and says why.
      // (The framing page is served from a second loopback server: a routed or public origin
      // would be stopped earlier by Chromium's local-network-access checks, proving nothing.)
      const framerServer = createServer((_request, response) => {
        response.setHeader('content-type', 'text/html; charset=utf-8');
        response.end(
          `<!doctype html><title>framer</title><iframe id="victim" src="${server.url}/account"></iframe>`,
        );
      });
      await new Promise<void>((resolve) => framerServer.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = framerServer.address() as AddressInfo;
        const framer = await context.newPage();
        const blocked = framer.waitForEvent(
          'requestfailed',
          (r) => r.url() === `${server.url}/account`,
        );
        const refusal = framer.waitForEvent('console', (m) =>
          /frame-ancestors|X-Frame-Options/i.test(m.text()),
        );
        await framer.goto(`http://127.0.0.1:${port}/`);
        expect((await blocked).failure()?.errorText).toBe('net::ERR_BLOCKED_BY_RESPONSE');
        expect((await refusal).text()).toMatch(/frame-ancestors 'none'|X-Frame-Options.*deny/i);
        const victim = framer.frames().find((f) => f !== framer.mainFrame());
        expect(victim).toBeDefined();
        await victim!.waitForURL((u) => u.protocol === 'chrome-error:');
        await expect(
          victim!.locator('#end-other-sessions, form[action="/account/password"]').count(),
        ).resolves.toBe(0);
        await framer.close();
      } finally {
        await new Promise<void>((resolve) => framerServer.close(() => resolve()));
      }
      expect(problems.filter((p) => !/frame-ancestors|X-Frame-Options/i.test(p))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
