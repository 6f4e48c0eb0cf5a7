import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserClient } from '../helpers/browserClient.js';
import { loadGolden } from '../helpers/golden.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

/** Headers WordPress puts on every REST response, which clients and proxies rely on. */
const REST_HEADERS = [
  'link',
  'x-content-type-options',
  'access-control-expose-headers',
  'access-control-allow-headers',
  'allow',
];

function expectRestHeaders(
  response: Response,
  golden: ReturnType<typeof loadGolden>,
  siteUrl: string,
) {
  for (const name of REST_HEADERS) {
    const expected = golden.response.headers[name];
    if (expected === undefined) continue;
    const actual = response.headers.get(name);
    if (name === 'link') expect(actual).toBe(`<${siteUrl}/wp-json/>; rel="https://api.w.org/"`);
    else expect(actual, name).toBe(expected);
  }
  expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
  expect(response.headers.get('cache-control')).toBe('no-cache, must-revalidate, max-age=0');
}

const SUITE = 'REST against the WordPress captures, SPEC §1, §3.3, §3.5, §6.1 ($name)';

describe.each(STORES)(SUITE, (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  it('golden 01: HEAD / advertises the API root in a Link header', async () => {
    const golden = loadGolden('01');
    const response = await fetch(`${server.url}/`, { method: 'HEAD' });
    expect(response.status).toBe(golden.response.status);
    expect(response.headers.get('link')).toBe(`<${server.url}/wp-json/>; rel="https://api.w.org/"`);
    const page = await (await fetch(`${server.url}/`)).text();
    expect(page).toContain(`<link rel="https://api.w.org/" href="${server.url}/wp-json/">`);
    expect(page).toContain(
      `<link rel="EditURI" type="application/rsd+xml" title="RSD" href="${server.url}/xmlrpc.php?rsd">`,
    );
  });

  it('golden 02: the index honours _fields and names the authorize endpoint', async () => {
    const golden = loadGolden('02');
    const response = await fetch(`${server.url}${golden.request.path}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(
      Object.keys(golden.response.json as object).filter((k) => k !== '_links'),
    );
    expect(body.url).toBe(server.url);
    expect(body.namespaces).toContain('wp/v2');
    expect(body.authentication).toEqual({
      'application-passwords': {
        endpoints: { authorization: `${server.url}/authorize-application` },
      },
    });
    expectRestHeaders(response, golden, server.url);
  });

  it('golden 03: the full index has the WordPress top-level keys and describes routes', async () => {
    const golden = loadGolden('03');
    const body = (await (await fetch(`${server.url}/wp-json/`)).json()) as Record<string, unknown>;
    const wpKeys = Object.keys(golden.response.json as object).filter(
      (k) => !['site_logo', 'site_icon', 'site_icon_url'].includes(k),
    );
    for (const key of wpKeys) expect(body, key).toHaveProperty(key);
    const routes = body.routes as Record<string, { methods: string[]; endpoints: unknown[] }>;
    expect(routes['/wp/v2/users']!.methods).toEqual(['GET', 'POST']);
    expect(routes['/wp/v2/users/(?P<id>[\\d]+)']!.methods).toEqual([
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
    ]);
    const ns = (await (await fetch(`${server.url}/wp-json/wp/v2`)).json()) as Record<
      string,
      unknown
    >;
    expect(ns.namespace).toBe('wp/v2');
    expect(Object.keys(ns.routes as object)).toContain('/wp/v2/users/me');
  });

  it('golden 04: users/me without credentials is 401 rest_not_logged_in, byte for byte', async () => {
    const golden = loadGolden('04');
    const response = await fetch(`${server.url}${golden.request.path}`);
    expect(response.status).toBe(401);
    expect(await response.text()).toBe(golden.response.body);
    expectRestHeaders(response, golden, server.url);
  });

  it('?rest_route= reaches the same routes', async () => {
    const golden = loadGolden('04');
    const response = await fetch(`${server.url}/?rest_route=/wp/v2/users/me`);
    expect(response.status).toBe(401);
    expect(await response.text()).toBe(golden.response.body);
    const index = await fetch(`${server.url}/index.php?rest_route=%2F&_fields=name`);
    expect(await index.json()).toEqual({ name: 'Latchkey' });
  });

  it('golden 17 + 38/39: users/me?context=edit by cookie and nonce has the WordPress shape', async () => {
    const golden17 = loadGolden('17');
    await server.createUser('subscriber', 'subscriber');
    const browser = new BrowserClient(server.url);
    await browser.signIn('subscriber', 'rebircsbus-Pass-1234');
    const nonceResponse = await browser.get('/wp-admin/admin-ajax.php?action=rest-nonce');
    expect(nonceResponse.status).toBe(loadGolden('38').response.status);
    expect(nonceResponse.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    const nonce = nonceResponse.text_;
    const response = await browser.get('/wp-json/wp/v2/users/me?context=edit', {
      'x-wp-nonce': nonce,
    });
    expect(response.status).toBe(200);
    const body = JSON.parse(response.text_) as Record<string, unknown>;
    const expected = golden17.response.json as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(Object.keys(expected));
    expect(body.username).toBe('subscriber');
    expect(body.roles).toEqual(['subscriber']);
    expect(body.capabilities).toEqual(expected.capabilities);
    expect(body.extra_capabilities).toEqual(expected.extra_capabilities);
    expect(Object.keys(body.avatar_urls as object)).toEqual(['24', '48', '96']);
    expect(body.registered_date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(response.headers.get('allow')).toBe(golden17.response.headers.allow);
    expect(response.headers.get('x-wp-nonce')).toBe(nonce);
    expect(response.headers.get('expires')).toBe('Wed, 11 Jan 1984 05:00:00 GMT');

    const golden39 = loadGolden('39');
    const fields = await browser.get('/wp-json/wp/v2/users/me?_fields=id,slug', {
      'x-wp-nonce': nonce,
    });
    expect(Object.keys(JSON.parse(fields.text_))).toEqual(
      Object.keys(golden39.response.json as object),
    );

    const admin = new BrowserClient(server.url);
    await admin.signIn('admin', ADMIN_PASSWORD);
    const adminMe = await admin.get('/wp-json/wp/v2/users/me?context=edit', {
      'x-wp-nonce': await admin.restNonce(),
    });
    const golden05 = loadGolden('05');
    expect(JSON.parse(adminMe.text_).capabilities).toEqual(
      (golden05.response.json as Record<string, unknown>).capabilities,
    );
    expect(adminMe.headers.get('allow')).toBe(golden05.response.headers.allow);
  });

  it('golden 40/41: a cookie without a nonce is anonymous; a wrong nonce is 403 rest_cookie_invalid_nonce', async () => {
    const browser = new BrowserClient(server.url);
    await browser.signIn('admin', ADMIN_PASSWORD);
    const noNonce = await browser.get('/wp-json/wp/v2/users/me');
    expect(noNonce.status).toBe(401);
    expect(noNonce.text_).toBe(loadGolden('40').response.body);
    const bad = await browser.get('/wp-json/wp/v2/users/me', { 'x-wp-nonce': '0123456789' });
    expect(bad.status).toBe(403);
    expect(bad.text_).toBe(loadGolden('41').response.body);
    // The nonce is bound to the session: another session's nonce is wrong here.
    const other = new BrowserClient(server.url);
    await other.signIn('admin', ADMIN_PASSWORD);
    const foreign = await browser.get('/wp-json/wp/v2/users/me', {
      'x-wp-nonce': await other.restNonce(),
    });
    expect(foreign.status).toBe(403);
    // _wpnonce as a query parameter works like the header.
    const viaQuery = await browser.get(
      `/wp-json/wp/v2/users/me?_wpnonce=${encodeURIComponent(await browser.restNonce())}`,
    );
    expect(viaQuery.status).toBe(200);
  });

  it('the REST nonce endpoint answers 0 to a signed-out browser', async () => {
    const response = await fetch(`${server.url}/wp-admin/admin-ajax.php?action=rest-nonce`);
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('0');
  });

  it('a cookie-authenticated write from another origin is refused even with the nonce', async () => {
    const browser = new BrowserClient(server.url);
    await browser.signIn('admin', ADMIN_PASSWORD);
    const nonce = await browser.restNonce();
    const response = await browser.request('/wp-json/wp/v2/users/me', {
      method: 'POST',
      body: JSON.stringify({ name: 'Hijacked' }),
      headers: {
        'content-type': 'application/json',
        'x-wp-nonce': nonce,
        origin: 'https://evil.example',
      },
    });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.text_).code).toBe('latchkey_cross_origin');
    const me = await browser.get('/wp-json/wp/v2/users/me', { 'x-wp-nonce': nonce });
    expect(JSON.parse(me.text_).name).not.toBe('Hijacked');
  });

  it('answers unknown routes with 404 rest_no_route', async () => {
    const response = await fetch(`${server.url}/wp-json/wp/v2/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      code: 'rest_no_route',
      message: 'No route was found matching the URL and request method.',
      data: { status: 404 },
    });
    const wrongMethod = await fetch(`${server.url}/wp-json/wp/v2/users/me`, {
      method: 'PUT',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(wrongMethod.status).toBe(401);
  });
});
