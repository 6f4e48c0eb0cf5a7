/**
 * Lost password in a real headless Chromium (playwright-core), SPEC §12: from the sign-in page's
 * link, through the mail caught by a real SMTP peer, to signing in with the new password and the
 * second factor. The new pages are photographed at 1280 and 390 px wide into
 * test-results/browser/ (prefix `links-`) and checked to fit the narrow screen.
 *
 * Runs on the SQLite store only; skips without Chromium unless REQUIRE_BROWSER=1 (../helpers/chromium.ts).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSettings } from '../../src/settings/index.js';
import {
  browserSuiteTitle,
  chromiumMissing,
  launchChromium,
  openDevice,
  screenshot,
  shouldSkipBrowser,
} from '../helpers/chromium.js';
import { linkIn, mailTo } from '../helpers/mailLinks.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { STORES } from '../helpers/stores.js';
import { codeNow, enableTotp } from '../helpers/twoFactor.js';

const sqlite = STORES.find((s) => s.name === 'sqlite')!;
const WIDTHS = [1280, 390] as const;

describe.skipIf(shouldSkipBrowser)(browserSuiteTitle('lost password, SPEC §12'), () => {
  if (chromiumMissing()) return;

  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let browser: Browser;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ store: sqlite, config: { smtpUrl: smtp.url } });
    await writeSettings(server.latchkey.store.db, { usersCanRegister: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  /** Nothing sticks out sideways: the page is usable without horizontal scrolling. */
  const fitsWidth = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

  it('from "Lost your password?" through the mail to signing in with the new password and the second factor', async () => {
    const user = await server.createUser('lena', 'editor');
    const secret = await enableTotp(server, user);
    const { context, page, problems } = await openDevice(
      browser,
      server.url,
      'lost-password browser',
      {
        viewport: { width: 1280, height: 800 },
      },
    );
    try {
      await page.goto('/login');
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/login/lost-password'),
        page.getByRole('link', { name: 'Lost your password?' }).click(),
      ]);
      await screenshot(page, 'links-lost-password-1280');
      await page.getByLabel('Username or email').fill('lena@example.com');
      await Promise.all([
        page.waitForEvent('load'),
        page.getByRole('button', { name: 'Email me a link' }).click(),
      ]);
      await expect(page.locator('#check-your-email').innerText()).resolves.toContain(
        'If that account exists',
      );
      await screenshot(page, 'links-check-email-1280');

      const [mail] = await smtp.waitFor(1, mailTo('lena@example.com', 'Password reset'));
      const link = linkIn(mail!, '/login/reset-password');
      await page.goto(link);
      await expect(page.locator('h1').innerText()).resolves.toBe('Choose a new password');
      await screenshot(page, 'links-reset-form-1280');
      await page.getByLabel('New password', { exact: true }).fill('Anel-fresh-pass-1');
      await page.getByLabel('Repeat new password').fill('Anel-fresh-pass-1');
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/login'),
        page.getByRole('button', { name: 'Reset password' }).click(),
      ]);
      await expect(page.locator('main > p[role]').first().innerText()).resolves.toContain(
        'Your password was reset',
      );

      // Sign in with the new password: the second factor is still asked.
      await page.locator('#loginform').getByLabel('Username or email').fill('lena');
      await page
        .locator('#loginform')
        .getByLabel('Password', { exact: true })
        .fill('Anel-fresh-pass-1');
      await Promise.all([
        page.waitForEvent('load'),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      expect((await context.cookies()).some((c) => c.name === 'latchkey_session')).toBe(false);
      const code = page.locator('input[name="code"]');
      await code.fill(codeNow(server, secret));
      await Promise.all([page.waitForURL((u) => u.pathname === '/account'), code.press('Enter')]);
      await expect(page.locator('h1').innerText()).resolves.toBe('Your account');

      // The used link is refused with a clear page.
      await page.goto(link);
      await expect(page.locator('#link-refused').innerText()).resolves.toContain('already used');
      await screenshot(page, 'links-refused-1280');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the new pages fit 1280 and 390 px wide', async () => {
    await server.createUser('wide', 'author');
    const pages: [string, string][] = [
      ['lost-password', '/login/lost-password'],
      ['register', '/register'],
      ['sign-in', '/login'],
      ['refused', '/login/reset-password?key=' + 'x'.repeat(43) + '&login=wide'],
    ];
    for (const width of WIDTHS) {
      const { context, page, problems } = await openDevice(browser, server.url, `width ${width}`, {
        viewport: { width, height: 800 },
      });
      try {
        for (const [name, path] of pages) {
          await page.goto(path);
          await screenshot(page, `links-${name}-${width}`);
          expect(await fitsWidth(page), `${name} at ${width}px`).toBe(true);
        }
        // The set-password form from a real link.
        await page.goto('/login/lost-password');
        await page.getByLabel('Username or email').fill('wide');
        await Promise.all([
          page.waitForEvent('load'),
          page.getByRole('button', { name: 'Email me a link' }).click(),
        ]);
        const mails = await smtp.waitFor(
          width === 1280 ? 1 : 2,
          mailTo('wide@example.com', 'Password reset'),
        );
        await page.goto(linkIn(mails.at(-1)!, '/login/reset-password'));
        await screenshot(page, `links-reset-form-${width}`);
        expect(await fitsWidth(page)).toBe(true);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }
  });
});
