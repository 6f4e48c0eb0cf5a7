/**
 * /admin/services in a real headless Chromium: adding a service, a refused one shown back
 * escaped (no script runs), removing one only after the confirmation page, at 1280 and 390 px.
 * Screenshots go to test-results/browser/, prefixed `services-`.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserClient } from '../helpers/browserClient.js';
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

describe.skipIf(shouldSkipBrowser)(browserSuiteTitle('admin services, SPEC §11'), () => {
  if (chromiumMissing()) return;
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer({ store: sqlite });
    await server.createUser('ed', 'editor');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(page: Page, login: string, password: string) {
    await page.goto('/login');
    const form = page.locator('#loginform');
    await form.getByLabel('Username or email').fill(login);
    await form.getByLabel('Password', { exact: true }).fill(password);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/account'),
      form.getByRole('button', { name: 'Sign in' }).click(),
    ]);
  }

  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 390, height: 844 },
  ]) {
    it(`adds, refuses with escaping, and removes after confirming (${viewport.width} px)`, async () => {
      const { context, page, problems } = await openDevice(browser, server.url, 'services-ui', {
        viewport,
      });
      const w = viewport.width;
      await signIn(page, 'admin', ADMIN_PASSWORD);
      await page.goto('/admin/services');
      await page.fill('#service-slug', `cal-${w}`);
      await page.fill('#service-name', 'Team calendar');
      await page.fill('#service-hosts', `cal${w}.example.test, dav${w}.example.test/dav`);
      await page.locator('input[name=roles][value=editor]').check();
      await page.check('#service-browser');
      await page.selectOption('#service-two-factor', 'required');
      await Promise.all([page.waitForURL(/done=added/), page.click('#add-service')]);
      const card = page.locator(`section[data-slug="cal-${w}"]`);
      await expect(card.textContent()).resolves.toContain(`dav${w}.example.test/dav`);
      await screenshot(page, `services-list-${w}`);

      // A hostile host entry comes back as text in the form and the error, never as markup.
      await page.fill('#service-slug', 'bad');
      await page.fill('#service-name', 'Bad');
      await page.fill('#service-hosts', '"><img src=x onerror=alert(1)>');
      await page.click('#add-service');
      await page.waitForSelector('.error');
      await expect(page.locator('img[src=x]').count()).resolves.toBe(0);
      await expect(page.inputValue('#service-hosts')).resolves.toBe(
        '"><img src=x onerror=alert(1)>',
      );
      await screenshot(page, `services-refused-${w}`);

      await page.goto('/admin/services');
      await page.click(`#remove-cal-${w}`);
      await expect(page.locator('h1').textContent()).resolves.toContain('Remove');
      await screenshot(page, `services-remove-${w}`);
      // The box must be ticked (the browser enforces `required`; the server checks too).
      await page.check('input[name=confirm]');
      await Promise.all([page.waitForURL(/done=removed/), page.click('#confirm-remove')]);
      await expect(page.locator(`section[data-slug="cal-${w}"]`).count()).resolves.toBe(0);
      expect(problems).toEqual([]);
      await context.close();
    });
  }

  it('refuses a form without CSRF or confirmation, and non-administrators', async () => {
    const admin = new BrowserClient(server.url);
    await admin.signIn('admin', ADMIN_PASSWORD);
    await admin.get('/admin/services');
    const noCsrf = await admin.postForm('/admin/services', {
      _csrf: null,
      slug: 'x',
      name: 'x',
      hosts: 'x.example',
    });
    expect(noCsrf.status).toBe(403);
    await admin.postForm('/admin/services', { slug: 'keep', name: 'Keep', hosts: 'keep.example' });
    await admin.get('/admin/services/keep/remove');
    const unconfirmed = await admin.postForm('/admin/services/keep/remove', {});
    expect(unconfirmed.status).toBe(400);
    expect((await admin.get('/admin/services')).text_).toContain('data-slug="keep"');
    const editor = new BrowserClient(server.url);
    await editor.signIn('ed', 'ed-Pass-1234');
    expect((await editor.get('/admin/services')).status).toBe(403);
  });
});
