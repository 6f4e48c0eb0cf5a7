import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/index.js';
import { listAuditEvents } from '../../src/audit/index.js';
import { serviceFirstUsesOf } from '../../src/http/forwardAuth/index.js';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { addTestService, nginx, traefik, verify } from '../helpers/forwardAuth.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const SUITE = 'forward authentication: /auth/verify and the services registry, SPEC §11 ($name)';

describe.each(STORES)(SUITE, (store) => {
  let server: TestServer;
  let alice: User;
  let sub: User;
  let alicePw: Awaited<ReturnType<typeof makeApplicationPassword>>;
  let adminAuth: string;
  beforeAll(async () => {
    server = await startTestServer({ store });
    alice = await server.createUser('alice', 'editor');
    await server.latchkey.store.db
      .updateTable('users')
      .set({ display_name: 'Zoë Ålice' })
      .where('id', '=', alice.id)
      .execute();
    sub = await server.createUser('sub', 'subscriber');
    alicePw = await makeApplicationPassword(server, alice.id, 'dav');
    adminAuth = basic('admin', (await makeApplicationPassword(server, 1, 'admin')).password);
    await addTestService(server, {
      slug: 'calendar',
      name: 'Team calendar',
      hosts: ['cal.example.test', 'dav.example.test/dav'],
      roles: ['administrator', 'editor'],
    });
    await addTestService(server, {
      slug: 'dash',
      name: 'Dashboard',
      hosts: ['dash.example.test'],
      browser: true,
      two_factor: 'required',
    });
    await addTestService(server, {
      slug: 'wiki',
      name: 'Wiki',
      hosts: ['wiki.example.test'],
      browser: true,
      scope: 'content',
    });
  });
  afterAll(() => server?.close());

  it('admits a valid application password with the identity headers (RFC 8187 for non-ASCII)', async () => {
    const response = await verify(server, {
      ...traefik('cal.example.test', '/calendars/alice?x=1', 'PROPFIND', 'https'),
      authorization: basic('alice', alicePw.chunked),
    });
    expect(response.status).toBe(200);
    const names = ['user', 'user-id', 'email', 'name', 'role', 'credential', 'app-id', 'service'];
    expect(
      Object.fromEntries(
        names.map((n) => [`x-latchkey-${n}`, response.headers.get(`x-latchkey-${n}`)]),
      ),
    ).toEqual({
      'x-latchkey-user': 'alice',
      'x-latchkey-user-id': String(alice.id),
      'x-latchkey-email': 'alice@example.com',
      'x-latchkey-name': "UTF-8''Zo%C3%AB%20%C3%85lice",
      'x-latchkey-role': 'editor',
      'x-latchkey-credential': `app_password:${alicePw.uuid}`,
      'x-latchkey-app-id': '',
      'x-latchkey-service': 'calendar',
    });
    // By email too, and nginx's headers name the same request.
    const byEmail = await verify(server, {
      ...nginx('https://cal.example.test/x'),
      authorization: basic('alice@example.com', alicePw.password),
    });
    expect(byEmail.status).toBe(200);
  });

  it('refuses a host no service names (403), and matches path prefixes on segment boundaries', async () => {
    const auth = basic('alice', alicePw.password);
    for (const headers of [
      traefik('other.example.test'),
      traefik('dav.example.test', '/'),
      traefik('dav.example.test', '/davx'),
      traefik('dav.example.test', '/dav/../admin'),
      traefik('dav.example.test', '/dav/%2e%2e/admin'),
    ]) {
      const response = await verify(server, { ...headers, authorization: auth });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect((await response.json()).code).toBe('latchkey_unknown_service');
    }
    expect(
      (await verify(server, { ...traefik('dav.example.test', '/dav/x'), authorization: auth }))
        .status,
    ).toBe(200);
    // Without any forwarded headers the request names Latchkey itself, which is no service.
    expect((await verify(server, { authorization: auth })).status).toBe(403);
  });

  it('asks for credentials: 401 with WWW-Authenticate naming the service', async () => {
    const response = await verify(server, traefik('cal.example.test'));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      'Basic realm="Team calendar", charset="UTF-8"',
    );
    expect((await response.json()).code).toBe('latchkey_credentials_required');
  });

  it('a wrong credential: 401 with the §3.2 body and the challenge', async () => {
    const response = await verify(server, {
      ...traefik('cal.example.test'),
      authorization: basic('alice', 'wrongwrongwrongwrongwron'),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('Basic realm="Team calendar"');
    expect(await response.json()).toEqual({
      code: 'incorrect_password',
      message: 'The provided password is an invalid application password.',
      data: { status: 401 },
    });
    // The account password is not an application password.
    expect(
      (
        await verify(server, {
          ...traefik('cal.example.test'),
          authorization: basic('alice', 'ecila-Pass-1234'),
        })
      ).status,
    ).toBe(401);
  });

  it('sends browsers to sign in: 302 (Traefik, Caddy) or 401 with Location (nginx)', async () => {
    const html = { accept: 'text/html,application/xhtml+xml' };
    const traefikAnswer = await verify(server, {
      ...traefik('dash.example.test', '/a?b=1'),
      ...html,
    });
    expect(traefikAnswer.status).toBe(302);
    const expected = `${server.url}/login?redirect_to=${encodeURIComponent('http://dash.example.test/a?b=1')}`;
    expect(traefikAnswer.headers.get('location')).toBe(expected);
    const nginxAnswer = await verify(server, {
      ...nginx('http://dash.example.test/a?b=1'),
      ...html,
    });
    expect(nginxAnswer.status).toBe(401);
    expect(nginxAnswer.headers.get('location')).toBe(expected);
    // A service without `browser` never redirects; an API client of a browser service gets 401.
    expect((await verify(server, { ...traefik('cal.example.test'), ...html })).status).toBe(401);
    expect((await verify(server, traefik('dash.example.test'))).status).toBe(401);
  });

  it('refuses who may not enter: role, service limit, content scope on a full service (403)', async () => {
    const subPw = await makeApplicationPassword(server, sub.id, 'sub');
    const denied = async (auth: string, host = 'cal.example.test') => {
      const r = await verify(server, { ...traefik(host), authorization: auth });
      return { status: r.status, body: r.status === 200 ? null : await r.json() };
    };
    expect(await denied(basic('sub', subPw.password))).toMatchObject({
      status: 403,
      body: { code: 'latchkey_forbidden_service', data: { reason: 'role', service: 'calendar' } },
    });
    // A role ceiling lowers what the service sees.
    const ceiling = await api(server, 'POST', `/wp/v2/users/${alice.id}/application-passwords`, {
      auth: adminAuth,
      body: { name: 'low', role_ceiling: 'author' },
    });
    expect((await denied(basic('alice', ceiling.json.password))).body.data.reason).toBe('role');
    const content = await makeApplicationPassword(server, alice.id, 'c', { scope: 'content' });
    expect((await denied(basic('alice', content.password))).body.data.reason).toBe('scope');
    expect((await denied(basic('alice', content.password), 'wiki.example.test')).status).toBe(200);
    // Expired: known, not admitted (REST answers 401 with data.reason "expired").
    const old = await makeApplicationPassword(server, alice.id, 'old', {
      expires: server.clock.now - 1000,
    });
    expect(await denied(basic('alice', old.password), 'wiki.example.test')).toMatchObject({
      status: 403,
      body: { code: 'latchkey_forbidden_service', data: { reason: 'expired' } },
    });

    // Limited to the wiki: refused on the calendar.
    const limited = await api(server, 'POST', `/wp/v2/users/${alice.id}/application-passwords`, {
      auth: adminAuth,
      body: { name: 'wiki only', services: ['wiki'] },
    });
    expect(limited.status).toBe(201);
    expect(limited.json.services).toEqual(['wiki']);
    expect((await denied(basic('alice', limited.json.password))).body.data.reason).toBe(
      'service_limit',
    );
    expect((await denied(basic('alice', limited.json.password), 'wiki.example.test')).status).toBe(
      200,
    );
    // An unknown slug is a 400, never a silent "all".
    const unknown = await api(server, 'POST', `/wp/v2/users/${alice.id}/application-passwords`, {
      auth: adminAuth,
      body: { name: 'x', services: ['nope'] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.code).toBe('rest_invalid_param');
  });

  it('a password created by a limited password inherits the limit and cannot widen it', async () => {
    const limited = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: basic('alice', alicePw.password),
      body: { name: 'wiki only', services: ['wiki'] },
    });
    const asLimited = basic('alice', limited.json.password);
    const child = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: asLimited,
      body: { name: 'child' },
    });
    expect(child.status).toBe(201);
    expect(child.json.services).toEqual(['wiki']);
    const wider = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: asLimited,
      body: { name: 'wider', services: ['calendar'] },
    });
    expect(wider.status).toBe(400);
  });

  it('sessions: accepted on browser services only; two_factor required refuses the unenrolled', async () => {
    const browser = new BrowserClient(server.url);
    await browser.signIn('alice', 'ecila-Pass-1234');
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const wiki = await verify(server, { ...traefik('wiki.example.test'), cookie });
    expect(wiki.status).toBe(200);
    expect(wiki.headers.get('x-latchkey-credential')).toBe('session');
    expect(wiki.headers.get('x-latchkey-user')).toBe('alice');
    const dash = await verify(server, { ...traefik('dash.example.test'), cookie });
    expect(dash.status).toBe(403);
    expect((await dash.json()).data.reason).toBe('two_factor');
    // The calendar takes no cookies: a session there is no credential.
    expect((await verify(server, { ...traefik('cal.example.test'), cookie })).status).toBe(401);
  });

  it('a revoked password is refused on the next request; a removed service at once', async () => {
    const pw = await makeApplicationPassword(server, alice.id, 'soon revoked');
    const auth = basic('alice', pw.password);
    expect(
      (await verify(server, { ...traefik('cal.example.test'), authorization: auth })).status,
    ).toBe(200);
    const revoke = await api(
      server,
      'DELETE',
      `/wp/v2/users/${alice.id}/application-passwords/${pw.uuid}`,
      {
        auth: adminAuth,
      },
    );
    expect(revoke.status).toBe(200);
    expect(
      (await verify(server, { ...traefik('cal.example.test'), authorization: auth })).status,
    ).toBe(401);

    await addTestService(server, { slug: 'tmp', name: 'Tmp', hosts: ['tmp.example.test'] });
    const good = {
      ...traefik('tmp.example.test'),
      authorization: basic('alice', alicePw.password),
    };
    expect((await verify(server, good)).status).toBe(200);
    expect(
      (await api(server, 'DELETE', '/latchkey/v1/services/tmp', { auth: adminAuth })).status,
    ).toBe(200);
    expect((await verify(server, good)).status).toBe(403);
  });

  it('failures count toward the §7 address limit exactly like REST (429 past 30)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      const r = await verify(server, {
        ...traefik('cal.example.test'),
        'x-forwarded-for': '198.51.100.77',
        authorization: basic('alice', `wrong${i}wrongwrongwrongwrong`),
      });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 29).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Another client address is unaffected.
    expect(
      (
        await verify(server, {
          ...traefik('cal.example.test'),
          'x-forwarded-for': '198.51.100.78',
          authorization: basic('alice', alicePw.password),
        })
      ).status,
    ).toBe(200);
  });

  it('audits denials and the first use of a credential on a service (once)', async () => {
    const pw = await makeApplicationPassword(server, alice.id, 'audited');
    const auth = basic('alice', pw.password);
    for (let i = 0; i < 3; i++)
      await verify(server, { ...traefik('cal.example.test'), authorization: auth });
    await verify(server, { ...traefik('nowhere.example.test'), authorization: auth });
    await serviceFirstUsesOf(server.latchkey.ctx).settled();
    await server.latchkey.flush();
    const { events } = await listAuditEvents(server.latchkey.store.db, { page: 1, perPage: 100 });
    const firstUses = events.filter(
      (e) => e.event === 'forward_auth.first_use' && e.credential === `app_password:${pw.uuid}`,
    );
    expect(firstUses).toHaveLength(1);
    expect(firstUses[0]!.details).toEqual({ service: 'calendar' });
    expect(
      events.some(
        (e) =>
          e.event === 'forward_auth.denied' &&
          (e.details as { reason?: string }).reason === 'unknown_service' &&
          (e.details as { host?: string }).host === 'nowhere.example.test',
      ),
    ).toBe(true);
  });

  it('answers malformed forwarded headers with 400 latchkey_bad_forwarded_request, any method, any body', async () => {
    for (const headers of [
      traefik('bad host'),
      traefik('cal.example.test', 'no-slash'),
      { ...traefik('cal.example.test'), 'x-forwarded-proto': 'gopher' },
      nginx('not a url'),
      nginx('javascript:alert(1)'),
    ]) {
      const r = await verify(server, headers);
      expect(r.status, JSON.stringify(headers)).toBe(400);
      expect((await r.json()).code).toBe('latchkey_bad_forwarded_request');
    }
    const post = await fetch(`${server.url}/auth/verify`, {
      method: 'POST',
      headers: {
        ...traefik('cal.example.test'),
        'content-type': 'application/x-weird',
        authorization: basic('alice', alicePw.password),
      },
      body: 'x'.repeat(10_000),
    });
    expect(post.status).toBe(200);
  });

  it('latchkey/v1/services: manage_options only, validated, listed', async () => {
    const editorAuth = basic('alice', alicePw.password);
    expect((await api(server, 'GET', '/latchkey/v1/services', { auth: editorAuth })).status).toBe(
      403,
    );
    const list = await api(server, 'GET', '/latchkey/v1/services', { auth: adminAuth });
    expect(list.json.map((s: { slug: string }) => s.slug)).toEqual(['calendar', 'dash', 'wiki']);
    expect(list.json[0]).toMatchObject({
      hosts: ['cal.example.test', 'dav.example.test/dav'],
      roles: ['administrator', 'editor'],
      browser: false,
      two_factor: 'if_enrolled',
    });
    for (const body of [
      { slug: 'Bad Slug', name: 'x', hosts: ['a.example'] },
      { slug: 'ok', name: 'x', hosts: ['https://a.example'] },
      { slug: 'ok', name: 'x', hosts: ['cal.example.test'] },
      { slug: 'ok', name: 'x', hosts: ['a.example'], roles: ['king'] },
      { slug: 'calendar', name: 'x', hosts: ['b.example'] },
    ]) {
      const r = await api(server, 'POST', '/latchkey/v1/services', { auth: adminAuth, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.code).toBe('rest_invalid_param');
    }
    expect(
      (await api(server, 'DELETE', '/latchkey/v1/services/none', { auth: adminAuth })).status,
    ).toBe(404);
  });

  it('sign-in sends the browser back to a registered service host, nowhere else', async () => {
    const browser = new BrowserClient(server.url);
    await browser.get('/login');
    const back = 'http://wiki.example.test/page?x=1';
    const response = await browser.postForm('/login', {
      log: 'alice',
      pwd: 'ecila-Pass-1234',
      redirect_to: back,
    });
    // Through a page of its own: the pages' CSP (form-action 'self') binds a form's redirects.
    const location = response.headers.get('location')!;
    expect(location).toBe(`/login/continue?to=${encodeURIComponent(back)}`);
    const page = await browser.get(location);
    expect(page.status).toBe(200);
    expect(page.text_).toContain(
      '<meta http-equiv="refresh" content="0;url=http://wiki.example.test/page?x=1">',
    );
    const evil = await browser.get(
      `/login/continue?to=${encodeURIComponent('http://evil.example.test/')}`,
    );
    expect(evil.status).toBe(302);
    expect(evil.headers.get('location')).toBe('/account');
    const other = new BrowserClient(server.url);
    await other.get('/login');
    const refused = await other.postForm('/login', {
      log: 'alice',
      pwd: 'ecila-Pass-1234',
      redirect_to: 'http://evil.example.test/',
    });
    expect(refused.headers.get('location')).toBe('/account');
  });

  it('/account offers the services limit; the authorize screen narrows what the app asked for', async () => {
    const browser = new BrowserClient(server.url);
    await browser.signIn('alice', 'ecila-Pass-1234');
    const account = await browser.get('/account');
    expect(account.text_).toContain('name="services" value="wiki"');
    const created = await browser.postForm('/account/application-passwords', {
      name: 'wiki from account',
      services: 'wiki',
    });
    expect(created.status).toBe(200);
    const named = async (name: string) =>
      (
        await api(server, 'GET', `/wp/v2/users/${alice.id}/application-passwords`, {
          auth: adminAuth,
        })
      ).json.filter((p: { name: string }) => p.name === name);
    expect(await named('wiki from account')).toMatchObject([{ services: ['wiki'] }]);
    expect(
      (await browser.postForm('/account/application-passwords', { name: 'x', services: 'nope' }))
        .status,
    ).toBe(400);

    const screen = await browser.get(
      `/authorize-application?app_name=${encodeURIComponent('Cal app')}&services=wiki,calendar`,
    );
    expect(screen.status).toBe(200);
    expect(screen.text_).toContain('id="authorize-services"');
    expect(screen.text_).toContain('name="services" value="calendar" checked');
    const approve = (fields: Record<string, string>) =>
      browser.postForm('/authorize-application', {
        app_name: 'Cal app',
        app_id: '',
        success_url: '',
        reject_url: '',
        requested_scope: '',
        response_type: 'password',
        code_challenge: '',
        requested_services: 'wiki,calendar',
        scope: 'full',
        expires: '',
        approve: '1',
        ...fields,
      });
    // Narrowed to one of the two it asked for.
    expect((await approve({ services: 'calendar' })).status).toBe(200);
    expect(await named('Cal app')).toMatchObject([{ services: ['calendar'] }]);
    // A service it did not ask for is never added; none left means refused, not "all".
    expect((await approve({ services: 'dash' })).status).toBe(400);
    expect((await approve({})).status).toBe(400);
  });

  it('ADMIN_PASSWORD fixture stays usable', () => expect(ADMIN_PASSWORD).toBeTruthy());
});
