/**
 * The authorize-application hand-off over HTTP (SPEC §4), on both stores: the signed-out round
 * trip (with and without the second factor), every URL rule on the GET that shows the screen and
 * again on the POST that approves it (a refused POST creates nothing), the screen itself (golden
 * 47), approve (48) and reject (49), the POST WordPress lets through (50) and a bad token (51),
 * scope narrowing, expiry, blocked apps, the password shown once, and step-up.
 *
 * The production server sits behind a trusted proxy that terminates TLS (X-Forwarded-Proto),
 * which is how production serves application passwords at all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockAppId, listApplicationPasswords } from '../../src/app-passwords/index.js';
import { listAuditEvents } from '../../src/audit/index.js';
import { writeSettings } from '../../src/settings/index.js';
import { api, basic } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { startTestServer, type TestServer, testPassword } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { codeNow, enableTotp, passwordStep, submitCode } from '../helpers/twoFactor.js';

const APP_ID = '7a1f2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b';
const RAW_PASSWORD = /^[A-Za-z0-9]{24}$/;

/** A browser behind the TLS-terminating proxy of a production site. */
class ProxiedBrowser extends BrowserClient {
  override request(
    path: string,
    init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> } = {},
  ) {
    return super.request(path, {
      ...init,
      headers: { 'x-forwarded-proto': 'https', ...(init.headers ?? {}) },
    });
  }
}

const authorizePath = (params: Record<string, string>, base = '/authorize-application') =>
  `${base}?${new URLSearchParams(params).toString()}`;

/** What the screen's form posts, from the request it shows (SPEC §4's field list). */
function formFields(
  params: Record<string, string>,
  extra: Record<string, string | null> = {},
): Record<string, string | null> {
  return {
    app_name: params.app_name ?? '',
    app_id: params.app_id ?? '',
    success_url: params.success_url ?? '',
    reject_url: params.reject_url ?? '',
    requested_scope: params.scope ?? '',
    scope: params.scope ?? 'full',
    expires: '',
    response_type: params.response_type ?? 'password',
    code_challenge: params.code_challenge ?? '',
    ...extra,
  };
}

const problemsOf = (html: string) =>
  [
    ...html.matchAll(
      /<li data-field="([^"]+)" data-code="[^"]+"><code>[^<]+<\/code>: ([^<]+)<\/li>/g,
    ),
  ].map((m) => `${m[1]}: ${m[2]}`);

/** Every URL rule of SPEC §4, as [what, success_url, the problem on a production site]. */
const URL_RULES: Array<[string, string, string | null]> = [
  ['javascript:', 'javascript:alert(1)', 'Invalid URL format.'],
  ['data:', 'data:text/html,<script>alert(1)</script>', 'Invalid URL format.'],
  ['vbscript:', 'vbscript:msgbox(1)', 'Invalid URL format.'],
  ['file:', 'file:///etc/passwd', 'Invalid URL format.'],
  ['userinfo', 'https://app.example.com@evil.example/cb', 'Invalid URL format.'],
  ['relative', '/relative/path', 'Invalid URL format.'],
  // A WHATWG parser reads `nohost` as the host; PHP's parse_url (and so WordPress) finds none.
  ['no host after the slashes', 'https:///nohost', 'Invalid URL format.'],
  ['a port but no host', 'https://:8443/cb', 'Invalid URL format.'],
  [
    'http: to a non-loopback host',
    'http://app.example.com/cb',
    'The URL must be served over a secure connection.',
  ],
  [
    'HTTP: in capitals',
    'HTTP://app.example.com/cb',
    'The URL must be served over a secure connection.',
  ],
  ['a custom scheme with a host (allowed)', 'myapp://callback', null],
  ['loopback http (allowed)', 'http://127.0.0.1:8765/callback', null],
  ['loopback http over IPv6 (allowed)', 'http://[::1]:8765/callback', null],
];

describe.each(STORES)('authorize application, SPEC §4, §5 ($name)', (store) => {
  let local: TestServer;
  let production: TestServer;
  beforeAll(async () => {
    local = await startTestServer({ store });
    production = await startTestServer({
      store,
      config: { env: 'production', trustProxy: '127.0.0.1/32' },
    });
  });
  afterAll(async () => {
    await local?.close();
    await production?.close();
  });

  const passwordsOf = (server: TestServer, userId: number) =>
    listApplicationPasswords(server.latchkey.store.db, userId);

  async function signedIn(server: TestServer, login: string, role: 'author' | 'editor' = 'author') {
    const user = await server.createUser(login, role);
    const browser =
      server === production ? new ProxiedBrowser(server.url) : new BrowserClient(server.url);
    const response = await browser.signIn(login, testPassword(login));
    expect(response.status).toBe(302);
    return { user, browser };
  }

  it('sends a signed-out visitor to sign in with the whole authorize URL, from both addresses (golden 43)', async () => {
    const params = { app_name: 'Demo', success_url: 'https://app.example.com/cb' };
    for (const base of ['/authorize-application', '/wp-admin/authorize-application.php']) {
      const anonymous = new BrowserClient(local.url);
      const response = await anonymous.get(authorizePath(params, base));
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!, local.url);
      expect(location.pathname).toBe('/login');
      expect(location.searchParams.get('redirect_to')).toBe(authorizePath(params, base));
    }
  });

  it('comes back to the screen after signing in, the query intact', async () => {
    await local.createUser('roundtrip', 'author');
    const params = {
      app_name: 'Round & trip',
      app_id: APP_ID,
      success_url: 'https://app.example.com/cb?state=s%201&x=y',
      scope: 'content',
    };
    const target = authorizePath(params);
    const browser = new BrowserClient(local.url);
    const login = (await browser.get(target)).headers.get('location')!;
    const form = await browser.get(login);
    expect(form.text_).toContain(`name="redirect_to" value="${target.replaceAll('&', '&amp;')}"`);
    const signedInResponse = await browser.postForm('/login', {
      log: 'roundtrip',
      pwd: 'pirtdnuor-Pass-1234',
      redirect_to: target,
    });
    expect(signedInResponse.status).toBe(302);
    expect(signedInResponse.headers.get('location')).toBe(target);
    const screen = await browser.get(target);
    expect(screen.status).toBe(200);
    expect(screen.text_).toContain('value="https://app.example.com/cb?state=s%201&amp;x=y"');
    expect(screen.text_).toContain('Round &amp; trip');
  });

  it('comes back after the second factor too (TOTP)', async () => {
    const user = await local.createUser('roundtotp', 'author');
    const secret = await enableTotp(local, user);
    const target = authorizePath({
      app_name: 'Two factor app',
      success_url: 'https://app.example.com/cb',
    });
    const browser = new BrowserClient(local.url);
    const login = (await browser.get(target)).headers.get('location')!;
    await browser.get(login);
    const redirectTo = new URL(login, local.url).searchParams.get('redirect_to')!;
    const { challenge } = await passwordStep(browser, 'roundtotp', 'ptotdnuor-Pass-1234', {
      redirect_to: redirectTo,
    });
    const done = await submitCode(browser, challenge, 'totp', codeNow(local, secret));
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe(target);
    const screen = await browser.get(target);
    expect(screen.status).toBe(200);
    expect(screen.text_).toContain('Two factor app');
  });

  it('shows the screen: app name as text, the account, the editable name, scope, expiry, exact destinations, _csrf, frame-busting (golden 47)', async () => {
    const { browser } = await signedIn(local, 'screeny');
    const params = {
      app_name: 'Demo <script>alert(1)</script> App',
      app_id: APP_ID,
      success_url: 'http://app.example.com/cb',
    };
    const response = await browser.get(
      authorizePath(params, '/wp-admin/authorize-application.php'),
    );
    expect(response.status).toBe(200);
    const page = response.text_;
    expect(page).toContain(
      '<strong id="authorize-app-name">Demo &lt;script&gt;alert(1)&lt;/script&gt; App</strong>',
    );
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toMatch(/It will act as <strong>screeny<\/strong>/);
    expect(page).toMatch(/<input type="hidden" name="_csrf" value="[^"]+"/);
    expect(page).toContain(`<input type="hidden" name="app_id" value="${APP_ID}" />`);
    expect(page).toContain(
      '<input type="hidden" name="success_url" value="http://app.example.com/cb" />',
    );
    // The editable name, pre-filled from app_name (tags stripped, as names are text).
    expect(page).toContain('name="app_name" value="Demo alert(1) App"');
    expect(page).toContain('<option value="full" selected>');
    expect(page).toContain('<option value="content" >');
    expect(page).toContain('name="expires"');
    expect(page).toContain('action="/wp-admin/authorize-application.php"');
    expect(page).toContain(
      `<code id="approve-destination">http://app.example.com/cb?site_url=${encodeURIComponent(local.url)}&amp;user_login=screeny&amp;password=[------]</code>`,
    );
    expect(page).toContain(
      '<code id="reject-destination">http://app.example.com/cb?success=false</code>',
    );
    expect(page).toMatch(/name="approve"/);
    expect(page).toMatch(/name="reject"/);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    // The redirect after the form goes to the app: form-action names it, nothing wider.
    expect(csp).toContain("form-action 'self' http://app.example.com;");
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('approves: the password goes to success_url with site_url and user_login (golden 48), works, is audited and mailed', async () => {
    const { user, browser } = await signedIn(local, 'approver');
    const params = {
      app_name: 'Demo App',
      app_id: APP_ID,
      success_url: 'http://app.example.com/cb',
    };
    await browser.get(authorizePath(params));
    const response = await browser.postForm(
      '/wp-admin/authorize-application.php',
      formFields(params, { approve: 'Approve and connect' }),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const location = response.headers.get('location')!;
    const prefix = `http://app.example.com/cb?site_url=${encodeURIComponent(local.url)}&user_login=approver&password=`;
    expect(location.startsWith(prefix)).toBe(true);
    const password = location.slice(prefix.length);
    expect(password).toMatch(RAW_PASSWORD);
    const me = await api(local, 'GET', '/wp/v2/users/me', { auth: basic('approver', password) });
    expect(me.status).toBe(200);

    const records = await passwordsOf(local, user.id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      name: 'Demo App',
      appId: APP_ID,
      scope: 'full',
      expires: null,
    });
    const { events } = await listAuditEvents(local.latchkey.store.db, {
      userId: user.id,
      page: 1,
      perPage: 10,
    });
    expect(events.find((e) => e.event === 'app_password.created')?.details).toMatchObject({
      uuid: records[0]!.uuid,
      app_id: APP_ID,
      via: 'authorize_application',
    });
    const outbox = path.join(local.config.dataDir, 'outbox');
    await expect
      .poll(() =>
        readdirSync(outbox).some((f) =>
          readFileSync(path.join(outbox, f), 'utf8').includes('approver@example.com'),
        ),
      )
      .toBe(true);
  });

  it('rejects: to reject_url, else success_url + success=false (golden 49), else /account; nothing is created', async () => {
    const { user, browser } = await signedIn(local, 'rejecter');
    const cases: Array<[Record<string, string>, string]> = [
      [
        {
          app_name: 'Demo App',
          success_url: 'http://app.example.com/cb',
          reject_url: 'https://app.example.com/no?why=1',
        },
        'https://app.example.com/no?why=1',
      ],
      [
        { app_name: 'Demo App', success_url: 'http://app.example.com/cb' },
        'http://app.example.com/cb?success=false',
      ],
      [
        { app_name: 'Demo App', success_url: 'myapp://cb?state=a' },
        'myapp://cb?state=a&success=false',
      ],
      [{ app_name: 'Demo App' }, '/account'],
    ];
    for (const [params, expected] of cases) {
      await browser.get(authorizePath(params));
      const response = await browser.postForm(
        '/authorize-application',
        formFields(params, { reject: 'No' }),
      );
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(expected);
    }
    expect(await passwordsOf(local, user.id)).toEqual([]);
  });

  describe('every URL rule, on GET and on POST, in production', () => {
    it.each(URL_RULES)('%s', async (_what, successUrl, problem) => {
      const login = `rule${Math.random().toString(36).slice(2, 8)}`;
      const { user, browser } = await signedIn(production, login);
      for (const field of ['success_url', 'reject_url'] as const) {
        const params = { app_name: 'Rules', [field]: successUrl } as Record<string, string>;
        if (field === 'reject_url') params.success_url = 'https://app.example.com/cb';
        const shown = await browser.get(authorizePath(params));
        if (problem) {
          expect(shown.status, `GET ${field}`).toBe(400);
          expect(problemsOf(shown.text_)).toEqual([`${field}: ${problem}`]);
        } else {
          expect(shown.status, `GET ${field}`).toBe(200);
          expect(shown.text_).toContain('id="authorize-form"');
        }
        // The POST is checked again, whatever its hidden fields say.
        await browser.get('/account');
        const posted = await browser.postForm(
          '/authorize-application',
          formFields(params, { approve: 'Yes' }),
        );
        if (problem) {
          expect(posted.status, `POST ${field}`).toBe(400);
          expect(problemsOf(posted.text_)).toEqual([`${field}: ${problem}`]);
        } else {
          expect(posted.status, `POST ${field}`).toBe(302);
        }
      }
      expect(await passwordsOf(production, user.id)).toHaveLength(problem ? 0 : 2);
    });

    it('a bad app_id, on GET (golden 46) and on POST', async () => {
      const { user, browser } = await signedIn(production, 'badappid');
      const params = {
        app_name: 'Bad',
        app_id: 'not-a-uuid',
        success_url: 'https://app.example.com/cb',
      };
      const shown = await browser.get(authorizePath(params));
      expect(shown.status).toBe(400);
      expect(problemsOf(shown.text_)).toEqual(['app_id: The application ID must be a UUID.']);
      await browser.get('/account');
      const posted = await browser.postForm(
        '/authorize-application',
        formFields(params, { approve: 'Yes' }),
      );
      expect(posted.status).toBe(400);
      expect(problemsOf(posted.text_)).toEqual(['app_id: The application ID must be a UUID.']);
      expect(await passwordsOf(production, user.id)).toEqual([]);
    });

    it('lists every problem at once', async () => {
      const { browser } = await signedIn(production, 'manyproblems');
      const shown = await browser.get(
        authorizePath({
          success_url: 'javascript:alert(1)',
          reject_url: 'http://app.example.com/no',
          app_id: APP_ID.toUpperCase(),
        }),
      );
      expect(shown.status).toBe(400);
      expect(shown.text_).toContain('The Authorize Application request is not allowed.');
      expect(problemsOf(shown.text_)).toEqual([
        'success_url: Invalid URL format.',
        'reject_url: The URL must be served over a secure connection.',
        'app_id: The application ID must be a UUID.',
      ]);
    });
  });

  it('in the local environment plain http is fine to any host (golden 47)', async () => {
    const { browser } = await signedIn(local, 'localhttp');
    const shown = await browser.get(
      authorizePath({ app_name: 'Demo', success_url: 'HTTP://app.example.com/cb' }),
    );
    expect(shown.status).toBe(200);
  });

  it('refuses the POST WordPress lets through, javascript: with the password appended (golden 50)', async () => {
    const { user, browser } = await signedIn(local, 'golden50');
    await browser.get('/account');
    const response = await browser.postForm('/wp-admin/authorize-application.php', {
      app_id: '',
      success_url: 'javascript:alert(1)',
      reject_url: '',
      app_name: 'Evil App',
      approve: 'Yes',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(problemsOf(response.text_)).toEqual(['success_url: Invalid URL format.']);
    expect(await passwordsOf(local, user.id)).toEqual([]);
  });

  it('refuses a POST without the right _csrf, or from another origin (golden 51)', async () => {
    const { user, browser } = await signedIn(local, 'golden51');
    const params = { app_name: 'No Nonce', success_url: 'http://app.example.com/cb' };
    await browser.get(authorizePath(params));
    const wrong = await browser.postForm(
      '/authorize-application',
      formFields(params, { _csrf: '0000000000', approve: 'Yes' }),
    );
    expect(wrong.status).toBe(403);
    const missing = await browser.postForm(
      '/authorize-application',
      formFields(params, { _csrf: null, approve: 'Yes' }),
    );
    expect(missing.status).toBe(403);
    await browser.get(authorizePath(params));
    const crossSite = await browser.postForm(
      '/authorize-application',
      formFields(params, { approve: 'Yes' }),
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    );
    expect(crossSite.status).toBe(403);
    expect(await passwordsOf(local, user.id)).toEqual([]);
  });

  it('refuses a blocked app on GET and on POST', async () => {
    const blocked = '0b5e7f9a-1c2d-4e3f-8a9b-aabbccddeeff';
    await blockAppId(local.latchkey.store.db, blocked, 1, 'test', local.clock.now);
    const { user, browser } = await signedIn(local, 'blockedapp');
    const params = {
      app_name: 'Blocked',
      app_id: blocked,
      success_url: 'https://app.example.com/cb',
    };
    const shown = await browser.get(authorizePath(params));
    expect(shown.status).toBe(403);
    expect(shown.text_).toContain('This application has been blocked by the site administrator.');
    await browser.get('/account');
    const posted = await browser.postForm(
      '/authorize-application',
      formFields(params, { approve: 'Yes' }),
    );
    expect(posted.status).toBe(403);
    expect(await passwordsOf(local, user.id)).toEqual([]);
  });

  it('scope: an app asking for content gets content, even from a tampered form; the user may narrow full to content', async () => {
    const { user, browser } = await signedIn(local, 'scoper', 'editor');
    const asked = {
      app_name: 'Content app',
      success_url: 'https://app.example.com/cb',
      scope: 'content',
    };
    const screen = await browser.get(authorizePath(asked));
    expect(screen.text_).not.toContain('<option value="full"');
    expect(screen.text_).toContain('<option value="content" selected>');
    const widened = await browser.postForm(
      '/authorize-application',
      formFields(asked, { scope: 'full', approve: 'Yes' }),
    );
    expect(widened.status).toBe(302);

    const open = { app_name: 'Narrowed app', success_url: 'https://app.example.com/cb' };
    await browser.get(authorizePath(open));
    const narrowed = await browser.postForm(
      '/authorize-application',
      formFields(open, { scope: 'content', approve: 'Yes' }),
    );
    expect(narrowed.status).toBe(302);

    const records = await passwordsOf(local, user.id);
    expect(records.map((r) => [r.name, r.scope]).sort()).toEqual([
      ['Content app', 'content'],
      ['Narrowed app', 'content'],
    ]);
    // A content-tier password cannot reach its own application passwords.
    const password = new URL(narrowed.headers.get('location')!).searchParams.get('password')!;
    const refused = await api(local, 'GET', '/wp/v2/users/me/application-passwords', {
      auth: basic('scoper', password),
    });
    expect(refused.json.code).toBe('rest_forbidden_scope');
  });

  it('an expiry and an edited name are kept; an empty name or a past date shows the screen again with the reason', async () => {
    const { user, browser } = await signedIn(local, 'expirer');
    const params = { app_name: 'Expiring', success_url: 'https://app.example.com/cb' };
    await browser.get(authorizePath(params));
    const empty = await browser.postForm(
      '/authorize-application',
      formFields(params, { app_name: '  <b></b> ', approve: 'Yes' }),
    );
    expect(empty.status).toBe(400);
    expect(empty.text_).toContain('An application name is required');
    expect(empty.text_).toContain('id="authorize-form"');
    const past = await browser.postForm(
      '/authorize-application',
      formFields(params, { expires: '2001-01-01', approve: 'Yes' }),
    );
    expect(past.status).toBe(400);
    expect(past.text_).toContain('expires must be in the future.');
    const tomorrow = new Date(local.clock.now + 86_400_000).toISOString().slice(0, 10);
    const ok = await browser.postForm(
      '/authorize-application',
      formFields(params, { app_name: 'My phone', expires: tomorrow, approve: 'Yes' }),
    );
    expect(ok.status).toBe(302);
    const records = await passwordsOf(local, user.id);
    expect(records).toHaveLength(1);
    expect(records[0]!.name).toBe('My phone');
    expect(records[0]!.expires).toBe(Date.parse(`${tomorrow}T00:00:00Z`) + 86_400_000);
  });

  it('without a success_url the password is shown once, on the page', async () => {
    const { browser } = await signedIn(local, 'noredirect');
    const params = { app_name: 'Desktop app', app_id: APP_ID };
    const screen = await browser.get(authorizePath(params));
    expect(screen.text_).toContain('the new application password is shown to you once');
    const response = await browser.postForm(
      '/authorize-application',
      formFields(params, { approve: 'Yes' }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const chunked = /<code id="new-application-password" class="secret">([^<]+)<\/code>/.exec(
      response.text_,
    )![1]!;
    expect(chunked).toMatch(/^([A-Za-z0-9]{4} ){5}[A-Za-z0-9]{4}$/);
    expect(response.text_).toContain('it will not be shown again');
    expect(
      (await api(local, 'GET', '/wp/v2/users/me', { auth: basic('noredirect', chunked) })).status,
    ).toBe(200);
    expect((await browser.get('/account')).text_).not.toContain(chunked);
  });

  it('asks for the password again when the sign-in is older than 10 minutes, then returns to the same screen', async () => {
    const { user, browser } = await signedIn(local, 'stepup');
    const params = {
      app_name: 'Later app',
      app_id: APP_ID,
      success_url: 'https://app.example.com/cb?state=9',
    };
    const target = authorizePath(params);
    await browser.get(target);
    local.clock.advance(11 * 60_000);
    // The POST of a screen left open: nothing is created, and the way back is the same screen.
    const late = await browser.postForm(
      '/authorize-application',
      formFields(params, { approve: 'Yes' }),
    );
    expect(late.status).toBe(303);
    const reauth = new URL(late.headers.get('location')!, local.url);
    expect(reauth.pathname).toBe('/login/reauth');
    expect(reauth.searchParams.get('redirect_to')).toBe(target);
    expect(await passwordsOf(local, user.id)).toEqual([]);
    // Opening the screen now goes to the password first.
    const shown = await browser.get(target);
    expect(shown.status).toBe(302);
    expect(shown.headers.get('location')).toBe(
      `/login/reauth?redirect_to=${encodeURIComponent(target)}`,
    );
    await browser.get(shown.headers.get('location')!);
    const confirmed = await browser.postForm('/login/reauth', {
      pwd: 'pupets-Pass-1234',
      redirect_to: target,
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe(target);
    expect((await browser.get(target)).status).toBe(200);
    const approved = await browser.postForm(
      '/authorize-application',
      formFields(params, { approve: 'Yes' }),
    );
    expect(approved.status).toBe(302);
    expect(approved.headers.get('location')).toMatch(
      /^https:\/\/app\.example\.com\/cb\?state=9&site_url=/,
    );
  });

  it('says when application passwords are unavailable (plain HTTP in production, or switched off), and refuses an oversized request', async () => {
    // The production site without its TLS proxy: nothing is offered, not even the exchange.
    const plain = new BrowserClient(production.url);
    await production.createUser('plainhttp', 'author');
    expect((await plain.signIn('plainhttp', 'ptthnialp-Pass-1234')).status).toBe(302);
    const params = { app_name: 'Demo', success_url: 'https://app.example.com/cb' };
    const shown = await plain.get(authorizePath(params));
    expect(shown.status).toBe(501);
    expect(shown.text_).toContain('Application passwords are not available.');
    const token = await fetch(`${production.url}/wp-json/latchkey/v1/authorize/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'code=x',
    });
    expect(token.status).toBe(501);

    const { browser } = await signedIn(local, 'switchedoff');
    await writeSettings(local.latchkey.store.db, { applicationPasswordsEnabled: false });
    try {
      expect((await browser.get(authorizePath(params))).status).toBe(501);
    } finally {
      await writeSettings(local.latchkey.store.db, { applicationPasswordsEnabled: true });
    }
    const long = await browser.get(authorizePath({ ...params, app_name: 'x'.repeat(2100) }));
    expect(long.status).toBe(400);
    expect(long.text_).toContain('data-code="request_too_long"');
  });

  it('a signed-out POST goes to sign in and comes back to the screen, creating nothing', async () => {
    const anonymous = new BrowserClient(local.url);
    await anonymous.get('/login');
    const params = { app_name: 'Late', success_url: 'https://app.example.com/cb' };
    const response = await anonymous.postForm(
      '/authorize-application',
      formFields(params, { approve: 'Yes' }),
    );
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!, local.url);
    expect(location.pathname).toBe('/login');
    const back = new URL(location.searchParams.get('redirect_to')!, local.url);
    expect(back.pathname).toBe('/authorize-application');
    expect(back.searchParams.get('success_url')).toBe('https://app.example.com/cb');
  });
});
