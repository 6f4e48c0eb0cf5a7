import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restRegistryOf } from '../../src/http/app.js';
import { XMLRPC_METHODS } from '../../src/xmlrpc/server.js';
import { rpc } from '../helpers/xmlrpc.js';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

/** A concrete value for each path parameter name, so every route can be called. */
const SAMPLES: Record<string, string> = {
  user_id: 'me',
  id: '1',
  uuid: randomUUID(),
  app_id: randomUUID(),
  credential_id: 'abc',
  parent: '1',
};

function concretePath(pattern: string): string {
  return pattern.replace(/\(\?P<(\w+)>[^)]*\)+/g, (_, name: string) => SAMPLES[name] ?? '1');
}

describe.each(STORES)('scopes, SPEC §5 ($name)', (store) => {
  let server: TestServer;
  let content: string;
  let full: string;
  beforeAll(async () => {
    server = await startTestServer({ store });
    content = basic(
      'admin',
      (await makeApplicationPassword(server, 1, 'content', { scope: 'content' })).password,
    );
    full = basic('admin', (await makeApplicationPassword(server, 1, 'full')).password);
  });
  afterAll(() => server?.close());

  it('every registered REST route declares its tier, and a content password is refused exactly on the full-tier ones', async () => {
    const registry = restRegistryOf(server.latchkey.app);
    const undeclared = registry.routes
      .filter((r) => r.tier === undefined && r.endpoints.some((e) => e.tier === undefined))
      .map((r) => r.path);
    expect(undeclared, 'routes registered without a tier').toEqual([]);
    let fullChecked = 0;
    let contentChecked = 0;
    for (const route of registry.routes) {
      const path = concretePath(route.path);
      for (const endpoint of route.endpoints) {
        const tier = endpoint.tier ?? route.tier ?? 'full';
        for (const method of endpoint.methods) {
          const response = await api(server, method, path, {
            auth: content,
            ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }),
          });
          const label = `${method} ${route.path} (${tier})`;
          // Comment writes are the one deliberate 5xx: 501, comments are not supported (SPEC §9).
          if (response.json?.code !== 'latchkey_comments_unsupported')
            expect(response.status, label).toBeLessThan(500);
          else expect(response.status, label).toBe(501);
          if (tier === 'full') {
            expect(response.status, label).toBe(403);
            expect(response.json, label).toMatchObject({
              code: 'rest_forbidden_scope',
              data: { scope: 'content', required_scope: 'full' },
            });
            fullChecked++;
          } else {
            expect(response.json?.code, label).not.toBe('rest_forbidden_scope');
            contentChecked++;
          }
        }
      }
    }
    expect(fullChecked).toBeGreaterThan(10);
    expect(contentChecked).toBeGreaterThan(3);
  });

  it('every XML-RPC method declares its tier; a content password is refused (fault 401) exactly on the full-tier ones', async () => {
    const password = /^Basic (.*)$/.exec(content)![1]!;
    const [, secret] = Buffer.from(password, 'base64').toString('utf8').split(/:(.*)/s);
    let fullChecked = 0;
    let contentChecked = 0;
    for (const [name, method] of Object.entries(XMLRPC_METHODS)) {
      expect(['content', 'full'], name).toContain(method.tier);
      if (method.credentials === null) continue;
      // Enough plausible parameters for the method to get past its argument count.
      const params: Array<string | number> = Array.from(
        { length: Math.max(method.minArgs, method.credentials.password + 1) },
        () => 1,
      );
      params[method.credentials.user] = 'admin';
      params[method.credentials.password] = secret!;
      const result = await rpc(server, name, ...params);
      expect(result.status, name).toBe(200);
      const fault = 'fault' in result ? result.fault : undefined;
      const scopeFault =
        fault?.faultCode === 401 && /requires the full scope/.test(fault.faultString);
      if (method.tier === 'full') {
        expect(scopeFault, `${name} should be refused by the scope`).toBe(true);
        fullChecked++;
      } else {
        expect(scopeFault, `${name} must not be refused by the scope`).toBe(false);
        contentChecked++;
      }
    }
    expect(fullChecked).toBeGreaterThanOrEqual(1);
    expect(contentChecked).toBeGreaterThan(20);
  });

  it('a content password reads its own profile but changes nothing about the account', async () => {
    expect(
      (await api(server, 'GET', '/wp/v2/users/me?_fields=id', { auth: content })).json,
    ).toEqual({ id: 1 });
    for (const [method, path, body] of [
      ['POST', '/wp/v2/users/me', { email: 'new@example.com' }],
      ['POST', '/wp/v2/users/me', { password: 'wen-Pass-1234' }],
      ['GET', '/wp/v2/users', undefined],
      ['GET', '/wp/v2/users/me/application-passwords', undefined],
      ['POST', '/wp/v2/users/me/application-passwords', { name: 'escalate' }],
      ['GET', '/latchkey/v1/users/me/two-factor', undefined],
    ] as const) {
      const response = await api(server, method, path, {
        auth: content,
        ...(body ? { body } : {}),
      });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.json.code).toBe('rest_forbidden_scope');
    }
    // The same calls with a full password are allowed (or fail for other reasons).
    expect(
      (await api(server, 'GET', '/wp/v2/users/me/application-passwords', { auth: full })).status,
    ).toBe(200);
  });

  it('an administrator’s password with an author ceiling cannot edit others’ posts or publish pages', async () => {
    const editor = await server.createUser('ceiling-editor', 'editor');
    const editorPost = await api(server, 'POST', '/wp/v2/posts', {
      auth: basic('ceiling-editor', (await makeApplicationPassword(server, editor.id)).password),
      body: { title: 'Editor’s post', status: 'publish' },
    });
    expect(editorPost.status).toBe(201);
    const asAuthor = basic(
      'admin',
      (await makeApplicationPassword(server, 1, 'author ceiling')).password,
    );
    const capped = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: asAuthor,
      body: { name: 'capped author', role_ceiling: 'author' },
    });
    const author = basic('admin', capped.json.password);
    const edit = await api(server, 'POST', `/wp/v2/posts/${editorPost.json.id}`, {
      auth: author,
      body: { title: 'Hijacked' },
    });
    expect(edit.status).toBe(403);
    expect(edit.json.code).toBe('rest_cannot_edit');
    const page = await api(server, 'POST', '/wp/v2/pages', {
      auth: author,
      body: { title: 'A page', status: 'publish' },
    });
    expect(page.status).toBe(403);
    // Without the ceiling the same administrator may do both.
    expect(
      (
        await api(server, 'POST', `/wp/v2/posts/${editorPost.json.id}`, {
          auth: full,
          body: { title: 'Edited' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await api(server, 'POST', '/wp/v2/pages', {
          auth: full,
          body: { title: 'A page', status: 'publish' },
        })
      ).status,
    ).toBe(201);
  });

  it('introspection reports the scope; creation can narrow, ceilings cap the role', async () => {
    expect(
      (await api(server, 'GET', '/wp/v2/users/me/application-passwords/introspect', { auth: full }))
        .json.scope,
    ).toBe('full');
    const created = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: full,
      body: { name: 'limited', scope: 'content', role_ceiling: 'author', expires: '2099-01-01' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      scope: 'content',
      role_ceiling: 'author',
      expires: '2099-01-02T00:00:00',
    });
    const limited = basic('admin', created.json.password);
    // The profile shows what this password may do: the ceiling's role and capabilities.
    const me = await api(server, 'GET', '/wp/v2/users/me?context=edit', { auth: limited });
    expect(me.json.roles).toEqual(['author']);
    expect(me.json.capabilities.manage_options).toBeUndefined();
    const introspect = await api(server, 'GET', '/wp/v2/users/me/application-passwords', {
      auth: limited,
    });
    expect(introspect.json.code).toBe('rest_forbidden_scope');

    const ceiling = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: full,
      body: { name: 'author-ish', role_ceiling: 'author' },
    });
    const asAuthor = basic('admin', ceiling.json.password);
    // With an author ceiling, the administrator cannot create users through this password.
    const createUser = await api(server, 'POST', '/wp/v2/users', {
      auth: asAuthor,
      body: { username: 'x1', email: 'x1@example.com', password: 'x1-Pass-1234' },
    });
    expect(createUser.status).toBe(403);
    expect(createUser.json.code).toBe('rest_cannot_create_user');
    // …and a password it creates keeps the ceiling.
    const child = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: asAuthor,
      body: { name: 'child' },
    });
    expect(child.json.role_ceiling).toBe('author');

    const bad = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth: full,
      body: { name: 'x', role_ceiling: 'root', expires: 'someday' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('rest_invalid_param');
  });
});
