/**
 * Every page, as a person would see it, in a real headless Chromium (playwright-core), issue 15:
 * signed out, signed in, as an administrator, each second-factor step, the authorize screen and
 * its error pages, and the account-lifecycle pages (lost password, set password, registration).
 * Each is looked at 1280 and 390 px wide, in the light and the dark scheme (prefers-color-scheme
 * emulation), and must
 *   - fit the width: nothing pushes the document sideways (`scrollWidth <= innerWidth`);
 *   - pass axe-core (the package's own axe.min.js, injected into the page) with no violation;
 *   - leave a full-page screenshot in test-results/browser/pages-{name}-{width}-{scheme}.png.
 *
 * lookAt (../helpers/chromium.ts) does the looking; browserTwoFactor.test.ts uses it for the
 * security-key pages, which need the site on localhost.
 *
 * Runs on the SQLite store only: the pages do not depend on the store. Skips without Chromium
 * unless REQUIRE_BROWSER=1 (../helpers/chromium.ts).
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addService, parseNewService } from '../../src/services/index.js';
import { writeSettings } from '../../src/settings/index.js';
import { ADDRESS_FAILURES_PER_WINDOW } from '../../src/rate-limit/policies.js';
import { saveTwoFactorState } from '../../src/two-factor/state.js';
import { listApplicationPasswords } from '../../src/app-passwords/index.js';
import { makeApplicationPassword } from '../helpers/appPasswords.js';
import {
  browserSuiteTitle,
  chromiumMissing,
  launchChromium,
  lookAt,
  PAGE_VIEWS,
  screenshot,
  shouldSkipBrowser,
  watchProblems,
} from '../helpers/chromium.js';
import { linkIn, mailTo } from '../helpers/mailLinks.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { STORES } from '../helpers/stores.js';
import { codeNow, enableTotp } from '../helpers/twoFactor.js';

const sqlite = STORES.find((s) => s.name === 'sqlite')!;

const CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe.skipIf(shouldSkipBrowser)(browserSuiteTitle('every page, issue 15'), () => {
  if (chromiumMissing()) return;

  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({
      store: sqlite,
      config: { smtpUrl: smtp.url, trustProxy: '127.0.0.1/32' },
    });
    await writeSettings(server.latchkey.store.db, { usersCanRegister: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  /**
   * A fresh profile, the pages' CSP in force: policy and script problems recorded. Options: another
   * server, the phone's width, scripts off, extra request headers.
   */
  async function device(
    options: { on?: TestServer } & Pick<
      BrowserContextOptions,
      'viewport' | 'javaScriptEnabled' | 'extraHTTPHeaders'
    > = {},
  ): Promise<Page> {
    const { on, ...rest } = options;
    const context = await browser.newContext({
      baseURL: (on ?? server).url,
      userAgent: CHROME_UA,
      viewport: PAGE_VIEWS[0],
      ...rest,
    });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    const page = await context.newPage();
    watchProblems(page, problems);
    return page;
  }

  /**
   * A refusal beside its field: the field is marked invalid, described by the message (after
   * the rule shown before typing, if any) and has the focus; no banner on top.
   */
  async function expectRefusedBeside(
    page: Page,
    fieldId: string,
    message: string,
    describedBy = `${fieldId}-error`,
  ): Promise<void> {
    const field = page.locator(`#${fieldId}`);
    await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(field.getAttribute('aria-describedby')).resolves.toBe(describedBy);
    await expect(page.locator(`#${fieldId}-error`).innerText()).resolves.toBe(message);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe(fieldId);
    await expect(page.locator('main p.error[role=alert]').count()).resolves.toBe(0);
  }

  /** Clicks and waits for the page it leads to. */
  const clickToLoad = (page: Page, selector: string) =>
    Promise.all([page.waitForEvent('load'), page.locator(selector).first().click()]);

  async function signIn(page: Page, login: string, password: string): Promise<void> {
    await page.goto('/login');
    await page.locator('#user_login').fill(login);
    await page.locator('#user_pass').fill(password);
    await clickToLoad(page, '#loginform button[type=submit]');
  }

  const expectClean = async (page: Page, name: string) => {
    const found = await lookAt(page, name);
    expect(found, found.join('\n')).toEqual([]);
    expect(problems).toEqual([]);
  };

  const authorizeQuery = (extra: Record<string, string> = {}) =>
    '/wp-admin/authorize-application.php?' +
    new URLSearchParams({
      app_name: 'Phone Publisher',
      app_id: '4b1c8f0e-6a2d-4e3f-9c7b-1d2e3f4a5b6c',
      success_url: 'https://publisher.example/connected/with/a/long/path?state=abcdefghijklmnop',
      reject_url: 'https://publisher.example/denied',
      ...extra,
    }).toString();

  describe('signed out', () => {
    let page: Page;
    beforeAll(async () => {
      page = await device();
    });

    it('home page', async () => {
      await page.goto('/');
      await expectClean(page, 'home');
    });

    it('sign-in page, and its refusal', async () => {
      await page.goto('/login');
      await expectClean(page, 'login');
      await page.locator('#user_login').fill('nobody');
      await page.locator('#user_pass').fill('wrong-password');
      await clickToLoad(page, '#loginform button[type=submit]');
      await expectClean(page, 'login-refused');
    });

    it('lost password, registration', async () => {
      await page.goto('/login/lost-password');
      await expectClean(page, 'lost-password');
      await page.goto('/register');
      await expectClean(page, 'register');
    });

    it('set password from the mailed link', async () => {
      await server.createUser('maren', 'subscriber');
      await page.goto('/login/lost-password');
      await page.locator('#user_login').fill('maren');
      await clickToLoad(page, 'main form button');
      await expectClean(page, 'lost-password-sent');
      const [mail] = await smtp.waitFor(1, mailTo('maren@example.com'));
      const path = new URL(linkIn(mail!, '/login/reset-password'), server.url);
      await page.goto(path.pathname + path.search);
      await expectClean(page, 'set-password');
    });

    it('the authorize screen, signed out: the sign-in page says an app is waiting', async () => {
      await page.goto(authorizeQuery());
      expect(new URL(page.url()).pathname).toBe('/login');
      await expect(page.locator('#waiting-application').innerText()).resolves.toContain(
        'Phone Publisher is waiting to connect to your account',
      );
      await expectClean(page, 'authorize-signed-out');
    });
  });

  describe('signed in', () => {
    let page: Page;
    beforeAll(async () => {
      const user = await server.createUser('robin', 'author', 'nibor-Pass-1234');
      await makeApplicationPassword(server, user.id, 'Desktop editor with a rather long name');
      await makeApplicationPassword(server, user.id, 'Backup script', {
        expires: Date.UTC(2027, 6, 1),
        scope: 'content',
      });
      await addService(
        server.latchkey.store.db,
        parseNewService({ slug: 'dash', name: 'Dashboard', hosts: 'dash.example.com' }),
        server.clock.now,
      );
      page = await device();
      await signIn(page, 'robin', 'nibor-Pass-1234');
    });

    it('account page: sections, browsers and events in words, the expiry as picked', async () => {
      await page.goto('/account');
      await expect(page.locator('main section.card h2').allInnerTexts()).resolves.toEqual([
        'Profile',
        'Sign-in and two-factor',
        'Application passwords',
        'Sessions',
        'Security events',
      ]);
      await expect(
        page.locator('#sessions-table td[data-label=Browser]').first().innerText(),
      ).resolves.toBe('Chrome on Linux');
      await expect(
        page.locator('#security-events td[data-label="What happened"]').first().innerText(),
      ).resolves.toBe('Signed in');
      // Stored as 2027-07-01T00:00Z, the end of the day picked: shown as that day.
      await expect(
        page.locator('#application-passwords-table tr', { hasText: 'Backup script' }).innerText(),
      ).resolves.toContain('through 30 June 2027');
      await expectClean(page, 'account');
    });

    it('a password change refused beside its field, the rule shown before', async () => {
      await page.goto('/account');
      await expect(
        page.locator('#account-new-password').getAttribute('aria-describedby'),
      ).resolves.toBe('account-new-password-rule');
      await expect(page.locator('#account-new-password-rule').innerText()).resolves.toContain(
        '8 to 1024 characters',
      );
      const form = page.locator('#password-form');
      await form.locator('[name=current_password]').fill('nibor-Pass-1234');
      await form.locator('[name=new_password]').fill('another-Pass-5678');
      await form.locator('[name=confirm_password]').fill('another-Pass-9999');
      await clickToLoad(page, '#password-form button[type=submit]');
      await expectRefusedBeside(
        page,
        'account-confirm-password',
        'The two new passwords do not match.',
      );
      await expectClean(page, 'account-password-refused');
    });

    it('application password: created, detail, the revoke step', async () => {
      await page.goto('/account');
      await page.locator('#new-application-password-name').fill('Phone');
      await clickToLoad(page, '#create-application-password');
      await expectClean(page, 'app-password-created');
      await page.goto('/account');
      await clickToLoad(page, '#application-passwords-table td[data-label=Name] a');
      await expectClean(page, 'app-password-detail');
      await page.goto('/account');
      await clickToLoad(
        page,
        '#application-passwords-table tr:has-text("Desktop editor") [data-revoke]',
      );
      await expect(page.locator('h1').innerText()).resolves.toBe(
        'Revoke “Desktop editor with a rather long name”?',
      );
      await expectClean(page, 'app-password-revoke-confirm');
    });

    it('two-factor page, authenticator setup', async () => {
      await page.goto('/account/two-factor');
      await expectClean(page, 'two-factor');
      await clickToLoad(page, '#setup-totp');
      await expectClean(page, 'two-factor-totp-setup');
    });

    it('the authorize screen names the site, the app and its reach; Approve and Deny side by side', async () => {
      await page.goto(authorizeQuery());
      await expect(page.locator('#authorize-site').innerText()).resolves.toBe('Latchkey');
      await expect(page.locator('#authorize-app-name').innerText()).resolves.toBe(
        'Phone Publisher',
      );
      await expect(page.locator('#authorize-access').innerText()).resolves.toContain(
        'Everything your account can do as Author',
      );
      for (const view of PAGE_VIEWS) {
        await page.setViewportSize(view);
        const approve = (await page.locator('#approve').boundingBox())!;
        const deny = (await page.locator('#reject').boundingBox())!;
        // One row, Approve first, nothing between the two.
        expect(Math.abs(approve.y - deny.y), `${view.width} px`).toBeLessThan(2);
        const gap = deny.x - (approve.x + approve.width);
        expect(gap, `${view.width} px`).toBeGreaterThanOrEqual(0);
        expect(gap, `${view.width} px`).toBeLessThan(40);
      }
      await expectClean(page, 'authorize');
    });

    it('a hostile app name is stripped, and the page says so beside the field', async () => {
      await page.goto(
        authorizeQuery({ app_name: '<img src=x onerror=alert(1)>', services: 'dash' }),
      );
      await expect(page.locator('#app_name').inputValue()).resolves.toBe('');
      await expect(page.locator('#app-name-note').innerText()).resolves.toContain(
        'enter a name you will recognise',
      );
      await expect(page.locator('#app_name').getAttribute('aria-describedby')).resolves.toBe(
        'app-name-note',
      );
      await expectClean(page, 'authorize-hostile-name');
    });

    it("the authorize screen's error page and the hand-over page", async () => {
      await page.goto(authorizeQuery({ success_url: 'http://publisher.example/x', app_id: 'x' }));
      await expectClean(page, 'authorize-problems');
      await page.goto(authorizeQuery({ success_url: '' }));
      await clickToLoad(page, '#approve');
      await expectClean(page, 'authorize-handover');
    });
  });

  describe('the confirmation steps work without JavaScript', () => {
    it('revoke: the row leads to a step naming the password, which revokes it', async () => {
      const user = await server.createUser('nojs', 'editor', 'sjon-Pass-1234');
      const doomed = await makeApplicationPassword(server, user.id, 'Old laptop');
      const page = await device({ javaScriptEnabled: false, viewport: PAGE_VIEWS[1] });
      await signIn(page, 'nojs', 'sjon-Pass-1234');
      await page.goto('/account');
      await clickToLoad(page, `tr[data-uuid="${doomed.uuid}"] [data-revoke]`);
      await expect(page.locator('h1').innerText()).resolves.toBe('Revoke “Old laptop”?');
      // Asking changed nothing.
      expect(await listApplicationPasswords(server.latchkey.store.db, user.id)).toHaveLength(1);
      await clickToLoad(page, '#confirm-revoke');
      expect(new URL(page.url()).hash).toBe('#application-passwords');
      await expect(page.locator('#application-passwords-notice').innerText()).resolves.toBe(
        'Application password “Old laptop” revoked.',
      );
      expect(await listApplicationPasswords(server.latchkey.store.db, user.id)).toHaveLength(0);
    });
  });

  describe('second-factor steps', () => {
    let page: Page;
    let secret: string;
    beforeAll(async () => {
      const user = await server.createUser('tess', 'editor', 'sset-Pass-1234');
      secret = await enableTotp(server, user);
      await server.latchkey.ctx.twoFactor.regenerateBackupCodes(user);
      await server.latchkey.store.db
        .updateTable('users')
        .set({ email_verified_at: server.clock.now })
        .where('id', '=', user.id)
        .execute();
      await saveTwoFactorState(server.latchkey.store.db, user.id, {
        enabled: ['totp', 'email', 'backup_codes'],
        primary: 'totp',
      });
      page = await device();
    });

    it('authenticator code, email code, recovery code', async () => {
      await signIn(page, 'tess', 'sset-Pass-1234');
      await expect(page.locator('header .step').innerText()).resolves.toBe('Signing in as tess');
      await expectClean(page, 'second-factor-totp');
      await clickToLoad(page, '[data-switch=email]');
      await expectClean(page, 'second-factor-email');
      await clickToLoad(page, '[data-switch=backup_codes]');
      await expectClean(page, 'second-factor-recovery');
    });

    it('after a wrong code the wait counts down, and Verify waits with it', async () => {
      // Playwright's clock drives the page's timers: no real waiting, no timed assertion.
      // Paused, the page's time moves only when the test says so, whatever the machine's speed.
      // Paused, the page's time moves only when the test says so, whatever the machine's speed.
      await page.clock.install();
      await signIn(page, 'tess', 'sset-Pass-1234');
      await page.locator('#authcode').fill('000000');
      await page.clock.pauseAt(Date.now() + 60_000);
      await clickToLoad(page, '#verify-code');
      const left = page.locator('#two-factor-wait-left');
      await expect(left.innerText()).resolves.toBe('2 seconds');
      await expect(page.locator('#verify-code').isDisabled()).resolves.toBe(true);
      await screenshot(page, 'pages-second-factor-wait-counting');
      await page.clock.runFor(1_000);
      await expect(left.innerText()).resolves.toBe('1 second');
      await expect(page.locator('#verify-code').isDisabled()).resolves.toBe(true);
      await page.clock.runFor(1_000);
      await expect(page.locator('#two-factor-wait').innerText()).resolves.toBe(
        'You can try again now.',
      );
      await expect(page.locator('#verify-code').isDisabled()).resolves.toBe(false);
      // axe schedules timers of its own: the page's time runs again for the look.
      await page.clock.resume();
      await expectClean(page, 'second-factor-wait');
      server.clock.advance(2_000);
      await page.locator('#authcode').fill(codeNow(server, secret));
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/account'),
        page.locator('#verify-code').click(),
      ]);
    });
  });

  describe('administrator', () => {
    let page: Page;
    let authorId: number;
    beforeAll(async () => {
      authorId = (await server.createUser('quinn', 'author')).id;
      page = await device();
      await signIn(page, 'admin', ADMIN_PASSWORD);
    });

    it('users list with two-factor, an empty search, a user, the disable step', async () => {
      await page.goto('/admin/users');
      await expect(
        page.locator('tr[data-user=tess] td[data-two-factor]').innerText(),
      ).resolves.toContain('Authenticator app');
      await expectClean(page, 'admin-users');
      await page.goto('/admin/users?s=nobody-matches-this');
      await expect(page.locator('#no-users-found').innerText()).resolves.toContain(
        'No user matches “nobody-matches-this”',
      );
      await expect(page.locator('#users-table').count()).resolves.toBe(0);
      await expectClean(page, 'admin-users-empty-search');
      await page.goto(`/admin/users/${authorId}`);
      // An Author's application passwords may be capped below Author only.
      await expect(
        page.locator('#new-application-password-ceiling option').allInnerTexts(),
      ).resolves.toEqual(['The account’s own role', 'Contributor', 'Subscriber']);
      await expectClean(page, 'admin-user');
      await clickToLoad(page, '#disable-account');
      await expect(page.locator('h1').innerText()).resolves.toBe('Disable quinn (quinn)?');
      await expectClean(page, 'admin-user-disable-confirm');
    });

    it('site settings and services', async () => {
      await page.goto('/admin/settings');
      await expectClean(page, 'admin-settings');
      await page.goto('/admin/services');
      await expectClean(page, 'admin-services');
    });
  });
  describe('the pages reached from mail, limits and ended steps', () => {
    let admin: Page;
    beforeAll(async () => {
      admin = await device();
      await signIn(admin, 'admin', ADMIN_PASSWORD);
    });

    it('the add-user refusal beside its field, then the invitation page from the mailed link', async () => {
      await admin.goto('/admin/users');
      await admin.locator('#new-user-login').fill('tess');
      await admin.locator('#new-user-email').fill('new-tess@example.org');
      await clickToLoad(admin, '#add-user-submit');
      await expectRefusedBeside(
        admin,
        'new-user-login',
        'Sorry, that username already exists!',
        'new-user-login-rule new-user-login-error',
      );
      const login = admin.locator('#new-user-login');
      await expectClean(admin, 'admin-add-user-refused');
      await login.fill('ines');
      await admin.locator('#new-user-email').fill('ines@example.org');
      await clickToLoad(admin, '#add-user-submit');
      const [mail] = await smtp.waitFor(1, mailTo('ines@example.org', 'You have been invited'));
      const link = new URL(linkIn(mail!, '/login/reset-password'), server.url);
      const invited = await device();
      await invited.goto(link.pathname + link.search);
      await expect(invited.locator('h1').innerText()).resolves.toBe('Set your password');
      await expectClean(invited, 'invitation');
    });

    it('the email-confirmation page from the link mailed to the new address', async () => {
      await admin.goto('/account');
      await admin.locator('#profile-email').fill('admin-new@example.org');
      await clickToLoad(admin, '#profile-form button[type=submit]');
      const [mail] = await smtp.waitFor(1, mailTo('admin-new@example.org'));
      const link = new URL(linkIn(mail!, '/account/email/confirm'), server.url);
      await admin.goto(link.pathname + link.search);
      await expectClean(admin, 'email-confirmation');
    });

    it('the sign-in again page, the reauth page, removing a service', async () => {
      await admin.goto('/login/reauth');
      await expectClean(admin, 'reauth');
      await admin.goto('/admin/services/dash/remove');
      await expectClean(admin, 'admin-service-remove-confirm');
    });

    it('a second-factor step that expired, and one with no method left (403)', async () => {
      const page = await device();
      await signIn(page, 'tess', 'sset-Pass-1234');
      await page.locator('#two-factor-form input[name=challenge]').evaluate((e) => {
        (e as HTMLInputElement).value = 'gone';
      });
      await page.locator('#authcode').fill('000000');
      await clickToLoad(page, '#verify-code');
      await expect(page.locator('main p.error').innerText()).resolves.toBe(
        'Your sign-in expired. Please sign in again.',
      );
      await expectClean(page, 'second-factor-expired');
      const user = await server.createUser('noah', 'author', 'haon-Pass-1234');
      // Email codes on, but no verified address to send them to: nothing can be offered.
      await saveTwoFactorState(server.latchkey.store.db, user.id, {
        enabled: ['email'],
        primary: 'email',
      });
      const other = await device();
      await signIn(other, 'noah', 'haon-Pass-1234');
      await expect(other.locator('main p.error').innerText()).resolves.toContain(
        'no method is available',
      );
      await expect(other.locator('#sign-in-again').getAttribute('href')).resolves.toBe('/login');
      await expectClean(other, 'second-factor-none-available');
    });

    it('too many failures from the address: the step again, the wait counting down beside Verify', async () => {
      const ip = '203.0.113.7';
      const page = await device({ extraHTTPHeaders: { 'x-forwarded-for': ip } });
      await page.clock.install();
      await signIn(page, 'tess', 'sset-Pass-1234');
      for (let i = 0; i < ADDRESS_FAILURES_PER_WINDOW; i++)
        await server.latchkey.ctx.limiters.credentialFailures.recordFailure(ip);
      await page.locator('#authcode').fill('000000');
      await page.clock.pauseAt(Date.now() + 60_000);
      await clickToLoad(page, '#verify-code');
      await expect(page.locator('#two-factor-wait').innerText()).resolves.toMatch(
        /^Too many failed attempts from your address\. You can try again in \d+ min( \d+ s)?\.$/,
      );
      const left = page.locator('#two-factor-wait-left');
      const seconds = Number(await left.getAttribute('data-countdown'));
      expect(seconds).toBeGreaterThan(0);
      await expect(page.locator('#verify-code').isDisabled()).resolves.toBe(true);
      await page.clock.runFor(seconds * 1_000);
      await expect(page.locator('#two-factor-wait').innerText()).resolves.toBe(
        'You can try again now.',
      );
      await expect(page.locator('#verify-code').isDisabled()).resolves.toBe(false);
      // Once over, the note no longer reads as an error.
      await expect(page.locator('#two-factor-wait').getAttribute('class')).resolves.toBe('notice');
      await page.clock.resume();
      await expectClean(page, 'second-factor-address-limited');
    });
  });

  describe("the first administrator's one-time password (SPEC §6.5)", () => {
    let fresh: TestServer;
    let generated = '';
    beforeAll(async () => {
      fresh = await startTestServer({
        store: sqlite,
        config: { adminPassword: undefined },
        announce: (line) => {
          generated = /one-time password: ([A-Za-z0-9]{24})/.exec(line)?.[1] ?? '';
        },
      });
    });
    afterAll(() => fresh?.close());

    it('choosing a password (refused beside its field, then accepted), then the offer of two-factor', async () => {
      const page = await device({ on: fresh });
      expect(generated).toMatch(/^[A-Za-z0-9]{24}$/);
      await signIn(page, 'admin', generated);
      expect(new URL(page.url()).pathname).toBe('/account/password');
      // The header offers no page the session could not open, only the way out.
      await expect(page.locator('header nav a').count()).resolves.toBe(0);
      await expect(page.locator('header nav').innerText()).resolves.toContain('Log out');
      await expectClean(page, 'first-admin-choose-password');

      const fill = async (next: string) => {
        await page.getByLabel('Current password').fill(generated);
        await page.getByLabel('New password', { exact: true }).fill(next);
        await page.getByLabel('Repeat new password').fill(next);
        await clickToLoad(page, '#password-form button[type=submit]');
      };
      await fill('password123');
      await expectRefusedBeside(
        page,
        'account-new-password',
        'That password is one of the most common passwords. Choose another one.',
        'account-new-password-rule account-new-password-error',
      );
      await expectClean(page, 'first-admin-choose-password-refused');

      await fill('lantern-moss-river-42');
      expect(new URL(page.url()).pathname).toBe('/account/two-factor');
      await expect(page.locator('header nav a[href="/admin/users"]').count()).resolves.toBe(1);
      await expectClean(page, 'first-admin-two-factor-offer');
    });
  });
});
