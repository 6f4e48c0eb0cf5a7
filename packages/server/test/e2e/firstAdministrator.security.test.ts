/**
 * SPEC §6.5 (ASVS 6.4.1, 6.3.3): the first administrator's generated password is single-use.
 * Over real HTTP on both stores: its sign-in gets a session that may only replace it (pages
 * lead back to the form, REST and forward authentication refuse), replacing it lifts the
 * restriction under a new session token and offers two-factor enrolment, and the generated
 * password never works again. A password given in LATCHKEY_ADMIN_PASSWORD is not single-use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/sessions/index.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { addTestService, traefik, verify } from '../helpers/forwardAuth.js';
import { rpcFault } from '../helpers/xmlrpc.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

describe.each(STORES)('the first administrator’s one-time password ($name)', (store) => {
  let server: TestServer;
  let generated = '';
  beforeAll(async () => {
    server = await startTestServer({
      store,
      config: { adminPassword: undefined },
      announce: (line) => {
        generated = /one-time password: ([A-Za-z0-9]{24})/.exec(line)?.[1] ?? '';
      },
    });
  });
  afterAll(() => server?.close());

  it('signs in once into a password-change-only session, then offers two-factor', async () => {
    expect(generated).toMatch(/^[A-Za-z0-9]{24}$/);
    // Not over XML-RPC either: the account password there would never have to change.
    expect(await rpcFault(server, 'wp.getUsersBlogs', 'admin', generated)).toMatchObject({
      faultCode: 403,
    });
    const browser = new BrowserClient(server.url);
    const signIn = await browser.signIn('admin', generated);
    expect(signIn.status).toBe(302);
    expect(signIn.headers.get('location')).toBe('/account/password');
    for (const path of ['/account', '/admin/users', '/account/two-factor']) {
      const r = await browser.get(path);
      expect(r.status, path).toBe(302);
      expect(r.headers.get('location'), path).toBe('/account/password');
    }
    const form = await browser.get('/account/password');
    expect(form.status).toBe(200);
    expect(form.text_).toContain('id="password-change-required"');
    expect(form.text_).toContain('action="/account/password"');
    const nonce = await browser.restNonce();
    const me = await browser.get('/wp-json/wp/v2/users/me', { 'x-wp-nonce': nonce });
    expect(me.status).toBe(403);
    expect(JSON.parse(me.text_).code).toBe('latchkey_password_change_required');
    // Forward authentication does not admit the restricted session to a browser service.
    await addTestService(server, {
      slug: 'dash',
      name: 'Dash',
      hosts: ['dash.example.test'],
      browser: true,
    });
    const cookie = () => [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const held = await verify(server, { ...traefik('dash.example.test'), cookie: cookie() });
    expect(held.status).not.toBe(200);

    // The rules of new passwords apply; a refusal keeps the restricted page.
    const weak = await browser.postForm('/account/password', {
      current_password: generated,
      new_password: 'password123',
      confirm_password: 'password123',
    });
    expect(weak.status).toBe(400);
    expect(weak.text_).toContain('id="password-change-required"');

    const before = browser.cookies.get(SESSION_COOKIE)!;
    const changed = await browser.postForm('/account/password', {
      current_password: generated,
      new_password: 'lantern-moss-river-42',
      confirm_password: 'lantern-moss-river-42',
    });
    expect(changed.status).toBe(303);
    expect(changed.headers.get('location')).toBe('/account/two-factor?done=password_set');
    expect(browser.cookies.get(SESSION_COOKIE)).not.toBe(before);
    const offer = await browser.get('/account/two-factor?done=password_set');
    expect(offer.status).toBe(200);
    expect(offer.text_).toContain('Next, protect the account with a second factor');
    expect((await browser.get('/account')).status).toBe(200);
    expect(
      (await verify(server, { ...traefik('dash.example.test'), cookie: cookie() })).status,
    ).toBe(200);
    const old = new BrowserClient(server.url);
    old.cookies.set(SESSION_COOKIE, before);
    expect((await old.get('/account')).status).toBe(302);

    // Single use: the generated password is gone; the chosen one signs in without restriction.
    expect((await new BrowserClient(server.url).signIn('admin', generated)).status).toBe(200);
    const again = await new BrowserClient(server.url).signIn('admin', 'lantern-moss-river-42');
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toBe('/account');
  });
});

describe.each(STORES)('a given LATCHKEY_ADMIN_PASSWORD ($name)', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  it('is not single-use: the operator chose it', async () => {
    const signIn = await new BrowserClient(server.url).signIn('admin', ADMIN_PASSWORD);
    expect(signIn.headers.get('location')).toBe('/account');
  });
});
