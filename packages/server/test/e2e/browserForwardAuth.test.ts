/**
 * A browser through real nginx (SPEC §11): signed out at dash.app.localhost (Chromium resolves
 * *.localhost to loopback), sent to sign in at auth.app.localhost with a password and TOTP,
 * brought back to the page it asked for, where the upstream sees who it is (the session cookie
 * is for app.localhost: --cookie-domain); signing out ends access. Screenshots: `fwd-`.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/index.js';
import {
  browserSuiteTitle,
  chromiumMissing,
  launchChromium,
  openDevice,
  screenshot,
  shouldSkipBrowser,
} from '../helpers/chromium.js';
import { addTestService } from '../helpers/forwardAuth.js';
import {
  proxyMissing,
  startEchoUpstream,
  startProxy,
  type RunningProxy,
} from '../helpers/proxies.js';
import { freePort, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { codeNow, enableTotp } from '../helpers/twoFactor.js';

const sqlite = STORES.find((s) => s.name === 'sqlite')!;
const skip = shouldSkipBrowser || (proxyMissing('nginx') && process.env.REQUIRE_PROXIES !== '1');

describe.skipIf(skip)(browserSuiteTitle('forward authentication through nginx, SPEC §11'), () => {
  if (chromiumMissing()) return;
  if (proxyMissing('nginx')) {
    it('needs nginx (REQUIRE_PROXIES=1)', () => {
      throw new Error('nginx is not installed: apt-get install nginx');
    });
    return;
  }
  let server: TestServer;
  let browser: Browser;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let proxy: RunningProxy;
  let alice: User;
  let secret: string;

  beforeAll(async () => {
    const port = await freePort();
    server = await startTestServer({
      store: sqlite,
      config: {
        port: String(port),
        siteUrl: `http://auth.app.localhost:${port}`,
        cookieDomain: 'app.localhost',
      },
    });
    alice = await server.createUser('alice', 'editor');
    secret = await enableTotp(server, alice);
    await addTestService(server, {
      slug: 'dash',
      name: 'Dashboard',
      hosts: ['dash.app.localhost'],
      browser: true,
      two_factor: 'required',
    });
    upstream = await startEchoUpstream();
    proxy = await startProxy('nginx', [port], upstream.port);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.stop();
    await upstream?.close();
    await server?.close();
  });

  it('signs in (password + TOTP), comes back to the page, the upstream sees the user; sign-out ends it', async () => {
    const { context, page, problems } = await openDevice(browser, server.url, 'fwd-browser', {
      viewport: { width: 1280, height: 800 },
    });
    try {
      const wanted = `http://dash.app.localhost:${proxy.port}/reports?week=49`;
      await page.goto(wanted);
      expect(new URL(page.url()).host).toBe(new URL(server.url).host);
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(new URL(page.url()).searchParams.get('redirect_to')).toBe(wanted);
      await screenshot(page, 'fwd-01-sign-in');
      const form = page.locator('#loginform');
      await form.getByLabel('Username or email').fill('alice');
      await form.getByLabel('Password', { exact: true }).fill('ecila-Pass-1234');
      // The second-factor form is the answer to the password step.
      await form.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('#authcode').waitFor();
      server.clock.advance(30_000);
      await page.locator('#authcode').fill(codeNow(server, secret));
      await Promise.all([
        page.waitForURL((u) => u.href === wanted),
        page.locator('#verify-code').click(),
      ]);
      const seen = JSON.parse(await page.locator('body').innerText());
      expect(seen.url).toBe('/reports?week=49');
      expect(seen.headers).toMatchObject({
        'x-latchkey-user': 'alice',
        'x-latchkey-credential': 'session',
        'x-latchkey-service': 'dash',
      });
      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === 'latchkey_session')!;
      expect(session).toMatchObject({ domain: '.app.localhost', httpOnly: true, sameSite: 'Lax' });
      await screenshot(page, 'fwd-02-upstream');

      // Signing out at Latchkey ends access to the service at once.
      await page.goto(`${server.url}/account`);
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/login'),
        page.locator('header form[action="/logout"] button').click(),
      ]);
      await page.goto(wanted);
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
