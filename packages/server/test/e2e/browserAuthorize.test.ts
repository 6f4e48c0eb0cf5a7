/**
 * The authorize hand-off in a real headless Chromium (driven by playwright-core), with the
 * connect-cli example as the app: signed out → sign in with the password and a TOTP code → the
 * authorize screen → approve → the example's loopback callback receives a code, exchanges it,
 * stores the credentials and lists the user's posts with them. Then the password is revoked and
 * the example connects again. Also: an app_name holding <script> is shown as text.
 *
 * Chromium enforces the page's CSP `form-action` on the redirect that follows the approve
 * button, so this is also where a too-narrow policy would show (as a console violation).
 *
 * Runs on the SQLite store only; screenshots go to test-results/browser/, prefixed `authorize-`.
 * Chromium is taken from CHROMIUM_PATH (default /usr/bin/chromium). When it is missing the suite
 * skips with the reason in its title, unless REQUIRE_BROWSER=1, in which case it fails.
 * (The rules, launch flags and device set-up are in ../helpers/chromium.ts.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CredentialVault } from '@latchkey/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, APP_NAME, connect } from '../../../../examples/connect-cli/connect.mjs';
import { deleteApplicationPasswordsOfApp } from '../../src/app-passwords/index.js';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import {
  browserSuiteTitle,
  chromiumMissing,
  launchChromium,
  openDevice,
  screenshot,
  shouldSkipBrowser,
} from '../helpers/chromium.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { codeNow, enableTotp } from '../helpers/twoFactor.js';

const sqlite = STORES.find((s) => s.name === 'sqlite')!;

describe.skipIf(shouldSkipBrowser)(browserSuiteTitle('authorize application, SPEC §4'), () => {
  if (chromiumMissing()) return;

  let server: TestServer;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'latchkey-authorize-browser-'));
    server = await startTestServer({ store: sqlite });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh profile whose pages record policy violations, script errors and any dialog. */
  const device = (userAgent: string) =>
    openDevice(browser, server.url, userAgent, { viewport: { width: 1100, height: 900 } });

  const shot = (page: Page, name: string) => screenshot(page, `authorize-${name}`);

  it('signed out → password and TOTP → approve → the example app gets the credentials and lists the posts; after revocation it connects again', async () => {
    const user = await server.createUser('handoff', 'author');
    const secret = await enableTotp(server, user);
    const fixture = await makeApplicationPassword(server, user.id, 'fixture');
    const created = await api(server, 'POST', '/wp/v2/posts', {
      auth: basic('handoff', fixture.password),
      body: { title: 'Written before connecting', status: 'publish' },
    });
    expect(created.status).toBe(201);

    const { context, page, problems } = await device('Latchkey browser test (authorize)');
    const vaultFile = path.join(dir, 'vault.json');
    const key = CredentialVault.generateKey();
    const landings: string[] = [];
    try {
      const first = await connect({
        siteUrl: server.url,
        vaultFile,
        key,
        onAuthorizeUrl: async (url) => {
          await page.goto(url);
          // Signed out: the sign-in form, which remembers where to come back to.
          expect(new URL(page.url()).pathname).toBe('/login');
          const form = page.locator('#loginform');
          await form.getByLabel('Username or email').fill('handoff');
          await form.getByLabel('Password', { exact: true }).fill('ffodnah-Pass-1234');
          await Promise.all([
            page.waitForURL((u) => u.pathname === '/login', { waitUntil: 'load' }),
            form.getByRole('button', { name: 'Sign in' }).click(),
          ]);
          await page.locator('#authcode').fill(codeNow(server, secret));
          await shot(page, '01-second-factor');
          await Promise.all([
            page.waitForURL((u) => u.pathname === '/authorize-application', { waitUntil: 'load' }),
            page.locator('#verify-code').click(),
          ]);
          // The screen, with the whole query kept through both steps.
          expect(page.url()).toBe(url);
          await expect(page.locator('#authorize-app-name').innerText()).resolves.toBe(APP_NAME);
          await expect(page.locator('#authorize-account strong').innerText()).resolves.toBe(
            'handoff',
          );
          await expect(page.locator('#authorize-app-id').innerText()).resolves.toBe(APP_ID);
          const destination = await page.locator('#approve-destination').innerText();
          expect(destination).toMatch(
            /^http:\/\/127\.0\.0\.1:\d+\/callback\?state=[\w-]+&site_url=.+&user_login=handoff&code=\[one-time code\]$/,
          );
          await shot(page, '02-screen');
          await Promise.all([
            page.waitForURL((u) => u.hostname === '127.0.0.1' && u.pathname === '/callback', {
              waitUntil: 'load',
            }),
            page.locator('#approve').click(),
          ]);
          landings.push(page.url());
          await expect(page.locator('h1').innerText()).resolves.toBe('Connected');
          await shot(page, '03-callback');
        },
      });
      expect(first.connected).toBe(true);
      expect(first.credentials.userLogin).toBe('handoff');
      expect(first.posts.map((p) => p.title?.rendered)).toEqual(['Written before connecting']);
      // The password never appeared in a URL the browser saw: only a one-time code did.
      expect(landings[0]).toMatch(/&code=[\w-]{43}$/);
      expect(landings[0]).not.toContain(first.credentials.password);
      expect(readFileSync(vaultFile, 'utf8')).not.toContain(first.credentials.password);
      const me = await api(server, 'GET', '/wp/v2/users/me?_fields=slug', {
        auth: basic('handoff', first.credentials.password),
      });
      expect(me.json).toEqual({ slug: 'handoff' });

      // Revoked from the account: the example notices (401 incorrect_password) and asks again.
      // Still signed in and recently authenticated: straight to the screen this time.
      await deleteApplicationPasswordsOfApp(server.latchkey.store.db, user.id, APP_ID);
      const second = await connect({
        siteUrl: server.url,
        vaultFile,
        key,
        onAuthorizeUrl: async (url) => {
          await page.goto(url);
          expect(new URL(page.url()).pathname).toBe('/authorize-application');
          await Promise.all([
            page.waitForURL((u) => u.pathname === '/callback', { waitUntil: 'load' }),
            page.locator('#approve').click(),
          ]);
          landings.push(page.url());
        },
      });
      expect(second.connected).toBe(true);
      expect(landings).toHaveLength(2);
      expect(second.credentials.password).not.toBe(first.credentials.password);
      expect(second.posts).toHaveLength(1);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows an app_name holding <script> as text, and runs nothing', async () => {
    await server.createUser('scripty', 'author');
    const { context, page, problems } = await device('Latchkey browser test (hostile name)');
    try {
      const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
      const query = new URLSearchParams({
        app_name: hostile,
        success_url: 'https://app.example.com/cb',
      });
      await page.goto(`/authorize-application?${query}`);
      const form = page.locator('#loginform');
      await form.getByLabel('Username or email').fill('scripty');
      await form.getByLabel('Password', { exact: true }).fill('ytpircs-Pass-1234');
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/authorize-application', { waitUntil: 'load' }),
        form.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      await expect(page.locator('#authorize-app-name').innerText()).resolves.toBe(hostile);
      await expect(page.locator('#authorize-app-name *').count()).resolves.toBe(0);
      await expect(page.locator('main img').count()).resolves.toBe(0);
      // The editable name is text too: tags stripped, as every password name.
      await expect(page.locator('#app_name').inputValue()).resolves.toBe('alert(1)');
      await shot(page, '04-hostile-name');
      // Rejecting goes back to the app with success=false.
      await Promise.all([
        page.waitForRequest((r) => r.url().startsWith('https://app.example.com/cb')),
        page.locator('#reject').click(),
      ]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
