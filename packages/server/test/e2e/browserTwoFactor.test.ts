/**
 * Two-factor authentication in a real headless Chromium (driven by playwright-core): setting up
 * the authenticator app from /account/two-factor (QR and key, the code computed here with the
 * server's clock), recovery codes (Copy and the .txt download), signing in with the second
 * factor, a security key on Chromium's virtual authenticator (CDP), and a recovery code that
 * works once. The site is served as http://localhost:{port}: WebAuthn needs a domain for its RP
 * ID, and Chromium refuses an IP address such as 127.0.0.1.
 *
 * Runs on the SQLite store only: this suite is about the UI, the store suites cover PostgreSQL.
 * Screenshots go to test-results/browser/ at the repository root, prefixed `2fa-`.
 *
 * Chromium is taken from CHROMIUM_PATH (default /usr/bin/chromium). When it is missing the suite
 * skips with the reason in its title, unless REQUIRE_BROWSER=1, in which case it fails.
 * (The rules, launch flags and device set-up are in ../helpers/chromium.ts.)
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/two-factor/index.js';
import {
  browserSuiteTitle,
  chromiumMissing,
  launchChromium,
  lookAt,
  openDevice,
  screenshot,
  shouldSkipBrowser,
} from '../helpers/chromium.js';
import { freePort, startTestServer, type TestServer, testPassword } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const sqlite = STORES.find((s) => s.name === 'sqlite')!;

const PAGE = '/account/two-factor';

describe.skipIf(shouldSkipBrowser)(browserSuiteTitle('two-factor, SPEC §6.2, §6.3'), () => {
  if (chromiumMissing()) return;

  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    // WebAuthn takes its RP ID from the site's host name, and Chromium refuses an IP address
    // there ("127.0.0.1 is an invalid domain"): the site is http://localhost:{port}, which is a
    // secure context as well.
    const port = await freePort();
    server = await startTestServer({
      store: sqlite,
      config: { port: String(port), siteUrl: `http://localhost:${port}` },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /**
   * A fresh browser profile allowed to use the clipboard on the server's origin, recording
   * policy violations, script errors and any dialog (none is expected).
   */
  const device = (userAgent: string) =>
    openDevice(browser, server.url, userAgent, { clipboard: true });

  const shot = (page: Page, name: string) => screenshot(page, `2fa-${name}`);

  /** Clicks and waits until the browser shows the page the predicate expects. */
  async function clickAndWaitFor(
    page: Page,
    target: Locator,
    arrived: (url: URL) => boolean,
  ): Promise<void> {
    await Promise.all([page.waitForURL(arrived, { waitUntil: 'load' }), target.click()]);
  }

  const flash = async (page: Page) =>
    (await page.locator('main > p[role]').first().innerText()).trim();

  const sessionCookie = async (context: BrowserContext) =>
    (await context.cookies(server.url)).find((c) => c.name === 'latchkey_session');

  /** The password step through the form; resolves once the next page has loaded. */
  async function passwordStep(page: Page, login: string): Promise<void> {
    await page.goto('/login');
    const form = page.locator('#loginform');
    await form.getByLabel('Username or email').fill(login);
    await form.getByLabel('Password', { exact: true }).fill(testPassword(login));
    await Promise.all([
      page.waitForEvent('load'),
      form.getByRole('button', { name: 'Sign in' }).click(),
    ]);
  }

  /** Signs in a user without two-factor and opens the two-factor page. */
  async function signInToTwoFactorPage(page: Page, login: string): Promise<void> {
    await passwordStep(page, login);
    await page.waitForURL((u) => u.pathname === '/account');
    await page.goto(PAGE);
  }

  /** On the two-factor page: sets up the authenticator app; returns the key read from the page. */
  async function setUpAuthenticator(page: Page, screenshot?: string): Promise<string> {
    await clickAndWaitFor(page, page.locator('#setup-totp'), (u) => u.pathname === `${PAGE}/totp`);
    await expect(page.locator('h1').innerText()).resolves.toBe('Set up an authenticator app');
    const qr = await page.locator('#totp-qr svg').boundingBox();
    expect(qr?.width).toBeGreaterThan(150);
    expect(qr?.height).toBeGreaterThan(150);
    const shown = (await page.locator('#totp-secret').innerText()).trim();
    expect(shown).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    const secret = shown.replaceAll(' ', '');
    if (screenshot) await shot(page, screenshot);
    await page.locator('#totp-code').fill(totpCode({ secret, timeMs: server.clock.now }));
    await clickAndWaitFor(
      page,
      page.locator('#confirm-totp'),
      (u) => u.pathname === PAGE && u.searchParams.get('done') === 'totp_enabled',
    );
    await expect(flash(page)).resolves.toBe('Authenticator app enabled.');
    return secret;
  }

  /** On the two-factor page: new recovery codes, read from the page that shows them once. */
  async function generateRecoveryCodes(page: Page): Promise<string[]> {
    await clickAndWaitFor(
      page,
      page.locator('#generate-backup-codes'),
      (u) => u.pathname === `${PAGE}/backup-codes`,
    );
    // Codes that exist are voided by new ones: that is asked first, on a page of its own.
    const confirm = page.locator('#confirm-generate-backup-codes');
    if ((await confirm.count()) > 0) {
      await expect(page.locator('h1').innerText()).resolves.toBe('Generate new recovery codes?');
      await Promise.all([page.waitForEvent('load'), confirm.click()]);
    }
    await expect(page.locator('h1').innerText()).resolves.toBe('Your recovery codes');
    const codes = (await page.locator('#recovery-codes').innerText()).trim().split(/\s+/);
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^\d{8}$/);
    return codes;
  }

  async function signOut(page: Page): Promise<void> {
    await clickAndWaitFor(
      page,
      page.locator('header form[action="/logout"] button'),
      (u) => u.pathname === '/login',
    );
  }

  /**
   * The second-factor page after a correct password (the answer to POST /login, or to choosing
   * another method on it): no session yet.
   */
  async function expectSecondFactorPage(
    page: Page,
    context: BrowserContext,
    provider: string,
    pathname = '/login',
  ): Promise<void> {
    await page.locator('#two-factor-form').waitFor();
    expect(new URL(page.url()).pathname).toBe(pathname);
    await expect(page.locator('#two-factor-form').getAttribute('data-provider')).resolves.toBe(
      provider,
    );
    expect(await sessionCookie(context)).toBeUndefined();
  }

  it('sets up the authenticator app, downloads recovery codes, and signs in with the next code', async () => {
    await server.createUser('bttotp', 'author');
    const { context, page, problems } = await device('Latchkey browser test (2fa totp)');
    try {
      await signInToTwoFactorPage(page, 'bttotp');
      await expect(page.locator('#two-factor-status').innerText()).resolves.toContain(
        'Two-factor authentication is off',
      );
      await shot(page, '01-overview');
      const secret = await setUpAuthenticator(page, '02-totp-setup');
      await expect(page.locator('#enabled-methods').innerText()).resolves.toBe('Authenticator app');

      // Recovery codes: shown once, copied with the button, downloaded as a .txt file.
      const codes = await generateRecoveryCodes(page);
      await page.locator('#copy-recovery-codes').click();
      await expect
        .poll(() => page.locator('[data-copy-status="recovery-codes"]').innerText(), {
          timeout: 3_000,
        })
        .toBe('Copied.');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join('\n'));
      await shot(page, '03-recovery-codes');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('#download-recovery-codes').click(),
      ]);
      expect(download.suggestedFilename()).toBe('recovery-codes.txt');
      const file = readFileSync(await download.path(), 'utf8');
      const lines = file.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(10);
      for (const line of lines) expect(line).toMatch(/^\d{8}$/);
      expect(lines).toEqual(codes);
      await clickAndWaitFor(page, page.locator('#recovery-codes-done'), (u) => u.pathname === PAGE);
      await expect(page.locator('#backup-codes-remaining').innerText()).resolves.toBe(
        '10 codes left.',
      );
      for (const code of codes) expect(await page.content()).not.toContain(code);

      // Signing in again: the password, then the second-factor page (no session yet).
      await signOut(page);
      await passwordStep(page, 'bttotp');
      await expectSecondFactorPage(page, context, 'totp');
      await shot(page, '04-second-factor');
      // The setup step counts as used: the next time step's code signs in.
      server.clock.advance(30_000);
      await page.locator('#authcode').fill(totpCode({ secret, timeMs: server.clock.now }));
      await clickAndWaitFor(page, page.locator('#verify-code'), (u) => u.pathname === '/account');
      expect(await sessionCookie(context)).toBeDefined();
      await expect(page.locator('#two-factor-state').innerText()).resolves.toBe('On');
      await expect(page.locator('#email-verification').isVisible()).resolves.toBe(true);
      await shot(page, '07-account');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('registers a security key (virtual authenticator over CDP) and signs in with it', async () => {
    await server.createUser('btkey', 'author');
    const { context, page, problems } = await device('Latchkey browser test (2fa key)');
    try {
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'usb',
          hasResidentKey: false,
          hasUserVerification: true,
          isUserVerified: true,
        },
      });

      await signInToTwoFactorPage(page, 'btkey');
      // The authenticator app first, so that signing in has to choose the key.
      await setUpAuthenticator(page);
      server.clock.advance(30_000);
      await expect(page.locator('#security-keys-unavailable').count()).resolves.toBe(0);

      await page.locator('#security-key-name').fill('Virtual key <b>1</b>');
      await clickAndWaitFor(
        page,
        page.locator('#add-security-key'),
        (u) => u.pathname === PAGE && u.searchParams.get('done') === 'key_added',
      );
      await expect(flash(page)).resolves.toBe('Security key added.');
      const rows = page.locator('#security-keys-table tbody tr');
      await expect(rows.count()).resolves.toBe(1);
      await expect(rows.first().locator('td').first().innerText()).resolves.toBe(
        'Virtual key <b>1</b>',
      );
      await expect(rows.first().locator('td').nth(2).innerText()).resolves.toBe('—');
      await expect(page.locator('#enabled-methods').innerText()).resolves.toBe(
        'Authenticator app, Security key',
      );
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      expect(credentials).toHaveLength(1);
      await page.locator('#security-keys').scrollIntoViewIfNeeded();
      await shot(page, '05-security-keys');
      // Issue 15: the security-key pages fit a phone and pass axe, light and dark, like every page.
      const keysPage = await lookAt(page, 'two-factor-security-key');
      expect(keysPage, keysPage.join('\n')).toEqual([]);

      await signOut(page);
      await passwordStep(page, 'btkey');
      await expectSecondFactorPage(page, context, 'totp');
      await clickAndWaitFor(
        page,
        page.locator('button[data-switch="webauthn"]'),
        (u) => u.pathname === '/login/two-factor',
      );
      await expectSecondFactorPage(page, context, 'webauthn', '/login/two-factor');
      await expect(page.locator('#use-security-key').isVisible()).resolves.toBe(true);
      await shot(page, '06-security-key-sign-in');
      const keyStep = await lookAt(page, 'second-factor-security-key');
      expect(keyStep, keyStep.join('\n')).toEqual([]);
      await clickAndWaitFor(
        page,
        page.locator('#use-security-key'),
        (u) => u.pathname === '/account',
      );
      expect(await sessionCookie(context)).toBeDefined();

      // The key's "last used" is now filled in.
      await page.goto(PAGE);
      await expect(
        page.locator('#security-keys-table tbody tr td').nth(2).innerText(),
      ).resolves.toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a recovery code signs in once, and not a second time', async () => {
    await server.createUser('btrecovery', 'author');
    const { context, page, problems } = await device('Latchkey browser test (2fa recovery)');
    try {
      await signInToTwoFactorPage(page, 'btrecovery');
      await setUpAuthenticator(page);
      const codes = await generateRecoveryCodes(page);

      const useRecoveryCode = async (code: string) => {
        await passwordStep(page, 'btrecovery');
        await expectSecondFactorPage(page, context, 'totp');
        await clickAndWaitFor(
          page,
          page.locator('button[data-switch="backup_codes"]'),
          (u) => u.pathname === '/login/two-factor',
        );
        await expectSecondFactorPage(page, context, 'backup_codes', '/login/two-factor');
        await page.locator('#authcode').fill(code);
        await Promise.all([page.waitForEvent('load'), page.locator('#verify-code').click()]);
      };

      await signOut(page);
      await useRecoveryCode(codes[0]!);
      expect(new URL(page.url()).pathname).toBe('/account');
      expect(await sessionCookie(context)).toBeDefined();

      await signOut(page);
      await useRecoveryCode(codes[0]!);
      expect(new URL(page.url()).pathname).toBe('/login/two-factor');
      await expect(flash(page)).resolves.toBe('Invalid code. You can try again in 2 seconds.');
      expect(await sessionCookie(context)).toBeUndefined();

      // Another, unused code still works (after the wait).
      server.clock.advance(2_000);
      await page.locator('#authcode').fill(codes[1]!);
      await clickAndWaitFor(page, page.locator('#verify-code'), (u) => u.pathname === '/account');
      await page.goto(PAGE);
      await expect(page.locator('#backup-codes-remaining').innerText()).resolves.toBe(
        '8 codes left.',
      );
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
