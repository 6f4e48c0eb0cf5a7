/**
 * The application-password screens of /account in a real headless Chromium (driven by
 * playwright-core): creating one (shown once, copied with the Copy button, then used over HTTP
 * Basic), revoking one, revoking all behind the required confirmation box, and hostile names.
 *
 * Runs on the SQLite store only: this suite is about the UI, the store suites cover PostgreSQL.
 * Screenshots go to test-results/browser/ at the repository root, prefixed `ap-`.
 *
 * Chromium is taken from CHROMIUM_PATH (default /usr/bin/chromium). When it is missing the suite
 * skips with the reason in its title, unless REQUIRE_BROWSER=1, in which case it fails.
 * (The rules, launch flags and device set-up are in ../helpers/chromium.ts.)
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, basic } from '../helpers/appPasswords.js';
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

const sqlite = STORES.find((s) => s.name === 'sqlite')!;

/** How the creation page shows a new password: six groups of four, separated by spaces. */
const CHUNKED = /^([A-Za-z0-9]{4} ){5}[A-Za-z0-9]{4}$/;
const WARNING = 'Copy it now: it will not be shown again.';
/** The one script the pages may load (the CSP allows no inline code). */
const SITE_JS = '/assets/latchkey.js';

describe.skipIf(shouldSkipBrowser)(browserSuiteTitle('application passwords, SPEC §3.1'), () => {
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
   * A fresh browser profile allowed to use the clipboard on the server's origin. Its pages record
   * policy violations, script errors and any JavaScript dialog (none is expected, ever: a dialog
   * would mean injected script ran, and it is dismissed so the test does not hang).
   */
  const device = (userAgent: string) =>
    openDevice(browser, server.url, userAgent, { clipboard: true });

  const shot = (page: Page, name: string) => screenshot(page, `ap-${name}`);

  const pathOf = (page: Page) => new URL(page.url()).pathname;

  /** Clicks a submit button and waits until the browser shows the page the predicate expects. */
  async function submitAndWaitFor(
    page: Page,
    button: Locator,
    arrived: (url: URL) => boolean,
  ): Promise<void> {
    await Promise.all([page.waitForURL(arrived, { waitUntil: 'load' }), button.click()]);
  }

  /** Signs in through the form and waits for the account page. */
  async function signIn(page: Page, login: string, password: string): Promise<void> {
    await page.goto('/login');
    const form = page.locator('#loginform');
    await form.getByLabel('Username or email').fill(login);
    await form.getByLabel('Password', { exact: true }).fill(password);
    await submitAndWaitFor(
      page,
      form.getByRole('button', { name: 'Sign in' }),
      (u) => u.pathname === '/account',
    );
  }

  const flash = async (page: Page) =>
    (await page.locator('main > p[role]').first().innerText()).trim();

  const rows = (page: Page) => page.locator('#application-passwords-table tbody tr[data-uuid]');

  /** The names in the list, as the browser renders them. */
  const listedNames = async (page: Page) =>
    (await rows(page).locator('td:first-child').allInnerTexts()).map((t) => t.trim());

  /**
   * Types a name into the form on /account (which must be open) and presses the button; returns
   * the password the creation page shows, after checking that page.
   */
  async function createThroughForm(page: Page, name: string): Promise<string> {
    await page.locator('#new-application-password-name').fill(name);
    const posted = page.waitForResponse(
      (r) =>
        r.request().method() === 'POST' &&
        new URL(r.url()).pathname === '/account/application-passwords',
    );
    await page.locator('#create-application-password').click();
    const response = await posted;
    expect(response.status()).toBe(200);
    expect(response.headers()['cache-control']).toBe('no-store');
    await page.locator('#new-application-password').waitFor();
    await expect(page.locator('h1').innerText()).resolves.toBe('New application password');
    // The secret is in the response body only: the URL is the form's action, with no query.
    expect(page.url()).toBe(`${server.url}/account/application-passwords`);
    const password = (await page.locator('#new-application-password').innerText()).trim();
    expect(password).toMatch(CHUNKED);
    return password;
  }

  /** The password must not be on the page, with or without the spaces. */
  async function expectSecretAbsent(page: Page, password: string, where: string): Promise<void> {
    const markup = await page.content();
    const text = await page.locator('body').innerText();
    for (const form of [password, password.replaceAll(' ', '')]) {
      expect(markup, where).not.toContain(form);
      expect(text, where).not.toContain(form);
    }
    await expect(page.locator('#new-application-password').count(), where).resolves.toBe(0);
  }

  /** How many times the page loads the site script (the copy buttons' only code). */
  const siteScripts = (page: Page) => page.locator(`script[src="${SITE_JS}"]`).count();

  /** Clicks Copy on the creation page, waits for "Copied.", and returns the clipboard's text. */
  async function copyWithTheButton(page: Page): Promise<string> {
    const status = page.locator('[data-copy-status="new-application-password"]');
    await expect(status.innerText()).resolves.toBe('');
    await page.locator('#copy-application-password').click();
    await expect.poll(() => status.innerText(), { timeout: 3_000 }).toBe('Copied.');
    return page.evaluate(() => navigator.clipboard.readText());
  }

  /**
   * Resolves once the page has loaded and rendered two frames. By then every image has fired
   * `load` or `error` (they hold back the load event), so an injected `onerror` would have run,
   * and autofocus has been applied (it is flushed before animation-frame callbacks), so an
   * injected `onfocus` would have run. A dialog either opened keeps the page from getting here
   * until the problem watcher has recorded and dismissed it, and a policy report it caused is
   * sent before the answer to this evaluation.
   */
  async function settled(page: Page): Promise<void> {
    await page.waitForLoadState('load');
    await page.evaluate(
      () =>
        new Promise<void>((resolve) =>
          requestAnimationFrame(() => requestAnimationFrame(() => resolve())),
        ),
    );
  }

  const apiStatus = async (login: string, password: string) =>
    (await api(server, 'GET', '/wp/v2/users/me', { auth: basic(login, password) })).status;

  it('creates one, shows it once, copies it with the Copy button, and the copy signs in over HTTP Basic', async () => {
    await server.createUser('apcreator', 'author');
    const { context, page, problems } = await device('Latchkey browser test (ap create)');
    try {
      await signIn(page, 'apcreator', 'rotaercpa-Pass-1234');
      await expect(page.locator('h2#application-passwords').innerText()).resolves.toBe(
        'Application passwords',
      );
      await expect(page.locator('#no-application-passwords').innerText()).resolves.toBe(
        'No application passwords yet.',
      );

      const password = await createThroughForm(page, 'Phone app');
      const warning = page.locator('main p.error[role="alert"]');
      await expect(warning.innerText()).resolves.toContain(WARNING);
      await expect(page.locator('main strong').first().innerText()).resolves.toBe('Phone app');

      // Copy: the site script (loaded by every page) writes the secret to the clipboard and says so.
      expect(await siteScripts(page)).toBe(1);
      const copied = await copyWithTheButton(page);
      expect(copied).toBe(password);
      await shot(page, '01-created');

      // What was copied is a working credential on the REST API, spaces and all.
      const me = await api(server, 'GET', '/wp/v2/users/me', {
        auth: basic('apcreator', copied),
      });
      expect(me.status).toBe(200);
      expect(me.json).toMatchObject({ slug: 'apcreator' });

      // Back to the account: the name is listed, the secret is nowhere.
      await submitAndWaitFor(
        page,
        page.getByRole('link', { name: 'Done' }),
        (u) => u.pathname === '/account',
      );
      await expect(listedNames(page)).resolves.toEqual(['Phone app']);
      await expectSecretAbsent(page, password, '/account after Done');
      await page.locator('h2#application-passwords').scrollIntoViewIfNeeded();
      await shot(page, '02-list');

      // Going back in history does not bring the secret back: the creation page was a POST
      // answered with no-store, so Chromium finds nothing in its caches and shows its "Confirm
      // form resubmission" error page (net::ERR_CACHE_MISS), without sending the form again
      // (the list below still has one row).
      const listUrl = page.url();
      const back = await page.goBack().then(
        () => 'no error',
        (e: Error) => e.message,
      );
      expect(back).toMatch(/ERR_CACHE_MISS|no error/);
      // goBack settles on the error before the error page commits: wait until it has.
      await page.waitForURL((u) => u.href !== listUrl, { waitUntil: 'load' });
      expect(page.url()).toMatch(/^chrome-error:|\/account\/application-passwords$/);
      await expectSecretAbsent(page, password, 'after going back');

      // And no later visit to the account shows it either.
      await page.goto('/account');
      await expectSecretAbsent(page, password, '/account visited again');
      await page.reload();
      await expectSecretAbsent(page, password, '/account reloaded');
      await expect(listedNames(page)).resolves.toEqual(['Phone app']);

      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('reloading the creation page never shows the same secret again', async () => {
    await server.createUser('apreloader', 'author');
    const { context, page, problems } = await device('Latchkey browser test (ap reload)');
    try {
      await signIn(page, 'apreloader', 'redaolerpa-Pass-1234');
      const password = await createThroughForm(page, 'Reload check');
      // A reload re-sends the form (a headed Chromium asks first; over CDP it just does). The
      // server then makes a fresh password: the first one is never displayed a second time.
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST') posts.push(new URL(r.url()).pathname);
      });
      await page.reload();
      expect(posts).toEqual(['/account/application-passwords']);
      const markup = await page.content();
      expect(markup).not.toContain(password);
      expect(markup).not.toContain(password.replaceAll(' ', ''));
      const again = (await page.locator('#new-application-password').innerText()).trim();
      expect(again).toMatch(CHUNKED);
      expect(again).not.toBe(password);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  // Regression: the layout once forgot <script src="/assets/latchkey.js"> and Copy did nothing.
  it('the creation page loads the site script by itself, so Copy works unaided', async () => {
    await server.createUser('apcopier', 'author');
    const { context, page, problems } = await device('Latchkey browser test (ap copy)');
    try {
      await signIn(page, 'apcopier', 'reipocpa-Pass-1234');
      const password = await createThroughForm(page, 'Copy check');
      expect(await siteScripts(page)).toBe(1);
      expect(await copyWithTheButton(page)).toBe(password);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("revokes one with its row's Revoke button; the password then gets 401", async () => {
    await server.createUser('aprevoker', 'author');
    const { context, page, problems } = await device('Latchkey browser test (ap revoke)');
    try {
      await signIn(page, 'aprevoker', 'rekoverpa-Pass-1234');
      const kept = await createThroughForm(page, 'Kept app');
      await page.goto('/account');
      const doomed = await createThroughForm(page, 'Doomed app');
      await page.goto('/account');
      expect(await apiStatus('aprevoker', doomed)).toBe(200);
      expect(await apiStatus('aprevoker', kept)).toBe(200);
      await expect(listedNames(page)).resolves.toEqual(
        expect.arrayContaining(['Kept app', 'Doomed app']),
      );

      const row = rows(page).filter({ hasText: 'Doomed app' });
      const uuid = await row.getAttribute('data-uuid');
      expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
      // The row's Revoke leads to a step that names the password and asks.
      await submitAndWaitFor(
        page,
        row.getByRole('link', { name: 'Revoke Doomed app' }),
        (u) => u.pathname === `/account/application-passwords/${uuid}/revoke`,
      );
      await expect(page.locator('h1').innerText()).resolves.toBe('Revoke “Doomed app”?');
      expect(await apiStatus('aprevoker', doomed)).toBe(200);
      await submitAndWaitFor(
        page,
        page.getByRole('button', { name: 'Revoke Doomed app' }),
        (u) => u.pathname === '/account' && u.searchParams.get('done') === 'app_password_revoked',
      );
      await expect(page.locator('#application-passwords-notice').innerText()).resolves.toBe(
        'Application password “Doomed app” revoked.',
      );
      await expect(page.locator(`tr[data-uuid="${uuid}"]`).count()).resolves.toBe(0);
      await expect(listedNames(page)).resolves.toEqual(['Kept app']);

      expect(await apiStatus('aprevoker', doomed)).toBe(401);
      expect(await apiStatus('aprevoker', kept)).toBe(200);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('revoke all is held back by the required box, then revokes every one', async () => {
    await server.createUser('aprevokeall', 'editor');
    const { context, page, problems } = await device('Latchkey browser test (ap revoke all)');
    try {
      await signIn(page, 'aprevokeall', 'llaekoverpa-Pass-1234');
      const first = await createThroughForm(page, 'Desktop client');
      await page.goto('/account');
      const second = await createThroughForm(page, 'Backup script');
      await page.goto('/account');
      expect(await rows(page).count()).toBe(2);
      expect(await apiStatus('aprevokeall', first)).toBe(200);
      expect(await apiStatus('aprevokeall', second)).toBe(200);

      // Without the box ticked the browser's own validation keeps the form from being sent: the
      // click fires `invalid` at the box instead of `submit` at the form. Both are dispatched
      // while the click is handled, before any request could leave, so the first of the two
      // that fires says what the click did.
      const form = page.locator('#revoke-all-form');
      const confirm = form.locator('input[name="confirm"]');
      await expect(confirm.isChecked()).resolves.toBe(false);
      await expect(form.innerText()).resolves.toContain('Yes, revoke all 2 application passwords');
      const before = page.url();
      const posts: string[] = [];
      const onRequest = (r: { method(): string; url(): string }) => {
        if (r.method() === 'POST') posts.push(r.url());
      };
      page.on('request', onRequest);
      await form.evaluate((el) => {
        const outcome = new Promise<string>((resolve) => {
          el.addEventListener('submit', () => resolve('submitted'), { once: true });
          el.querySelector('input[name="confirm"]')!.addEventListener(
            'invalid',
            () => resolve('refused by validation'),
            { once: true },
          );
        });
        (window as unknown as { revokeAllOutcome: Promise<string> }).revokeAllOutcome = outcome;
      });
      await page.locator('#revoke-all').click();
      await expect(
        page.evaluate(
          () => (window as unknown as { revokeAllOutcome: Promise<string> }).revokeAllOutcome,
        ),
        'what the click did (undefined: the form was sent and another page loaded)',
      ).resolves.toBe('refused by validation');
      page.off('request', onRequest);
      expect(posts).toEqual([]);
      expect(page.url()).toBe(before);
      await expect(
        confirm.evaluate((el) => (el as HTMLInputElement).validity.valueMissing),
      ).resolves.toBe(true);
      expect(await rows(page).count()).toBe(2);
      expect(await apiStatus('aprevokeall', first)).toBe(200);

      // Ticked, it goes through.
      await confirm.check();
      await submitAndWaitFor(
        page,
        page.locator('#revoke-all'),
        (u) => u.pathname === '/account' && u.searchParams.get('done') === 'app_passwords_revoked',
      );
      await expect(flash(page)).resolves.toBe('All application passwords were revoked.');
      await expect(rows(page).count()).resolves.toBe(0);
      await expect(page.locator('#application-passwords-table').count()).resolves.toBe(0);
      await expect(page.locator('#revoke-all-form').count()).resolves.toBe(0);
      await expect(page.locator('#no-application-passwords').innerText()).resolves.toBe(
        'No application passwords yet.',
      );
      await page.locator('h2#application-passwords').scrollIntoViewIfNeeded();
      await shot(page, '03-after-revoke-all');

      expect(await apiStatus('aprevokeall', first)).toBe(401);
      expect(await apiStatus('aprevokeall', second)).toBe(401);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows hostile names as inert text: no dialog, no injected element, no CSP report', async () => {
    await server.createUser('apxss', 'author');
    const { context, page, problems } = await device('Latchkey browser test (ap names)');
    try {
      await signIn(page, 'apxss', 'ssxpa-Pass-1234');

      // Tags are stripped from names (as WordPress's sanitize_text_field does), so a name that is
      // nothing but a tag is empty and refused, and nothing is created.
      await page.locator('#new-application-password-name').fill('<img src=x onerror=alert(1)>');
      const refused = page.waitForResponse(
        (r) =>
          r.request().method() === 'POST' &&
          new URL(r.url()).pathname === '/account/application-passwords',
      );
      await page.locator('#create-application-password').click();
      expect((await refused).status()).toBe(400);
      await expect(page.locator('main').innerText()).resolves.toContain(
        'An application name is required to create an application password.',
      );
      await expect(page.locator('img[src="x"]').count()).resolves.toBe(0);
      await page.goto('/account');
      expect(await rows(page).count()).toBe(0);

      // Around other text the tag goes and the rest stays; quotes and ampersands are kept and
      // escaped, in text and in the attributes (the Revoke button's aria-label) alike.
      const names = [
        'Evil <img src=x onerror=alert(1)> app',
        `Quote" autofocus onfocus="alert(2)`,
        `Tom & Jerry's 'client'`,
        '&lt;img src=x onerror=alert(3)&gt;',
      ];
      const shown = [
        'Evil app',
        `Quote" autofocus onfocus="alert(2)`,
        `Tom & Jerry's 'client'`,
        '&lt;img src=x onerror=alert(3)&gt;',
      ];
      for (const [i, name] of names.entries()) {
        await createThroughForm(page, name);
        await expect(page.locator('main strong').first().innerText()).resolves.toBe(shown[i]);
        await page.goto('/account');
      }
      await expect(listedNames(page)).resolves.toEqual(expect.arrayContaining(shown));
      expect(await rows(page).count()).toBe(shown.length);
      for (const name of shown) {
        await expect(
          rows(page)
            .getByRole('link', { name: `Revoke ${name}`, exact: true })
            .count(),
        ).resolves.toBe(1);
      }
      // Nothing the names carried became markup.
      const injected = await page.evaluate(() => ({
        images: Array.from(document.querySelectorAll('img')).map((i) => i.getAttribute('src')),
        handlers: Array.from(document.querySelectorAll('*')).flatMap((el) =>
          Array.from(el.attributes)
            .filter((a) => /^on/i.test(a.name))
            .map((a) => `${el.tagName}[${a.name}]`),
        ),
        autofocus: document.querySelectorAll('[autofocus]').length,
      }));
      expect(injected.images.filter((src) => src === 'x')).toEqual([]);
      expect(injected.handlers).toEqual([]);
      expect(injected.autofocus).toBe(0);
      // Each name's own page too (the heading and title carry it).
      for (const name of shown) {
        await rows(page).getByRole('link', { name, exact: true }).click();
        await page.waitForURL((u) =>
          /^\/account\/application-passwords\/[0-9a-f-]{36}$/.test(u.pathname),
        );
        await expect(page.locator('h1').innerText()).resolves.toBe(name);
        await expect(page.title()).resolves.toContain(name);
        await settled(page);
        await page.goto('/account');
      }
      await page.locator('h2#application-passwords').scrollIntoViewIfNeeded();
      await shot(page, '04-hostile-names');
      // Let any handler that did sneak in fire before concluding there were none.
      await settled(page);
      expect(problems).toEqual([]);
      expect(pathOf(page)).toBe('/account');
    } finally {
      await context.close();
    }
  });
});
