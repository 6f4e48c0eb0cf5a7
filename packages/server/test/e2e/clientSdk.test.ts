/**
 * @latchkey/client against a running Latchkey, on both stores: discovery (Link header, the
 * ?rest_route= fallback, and the two typed refusals), the hand-off in both flows (code + PKCE,
 * and WordPress's password in the URL), rejection and a forged state, the API client's typed
 * errors (scope, revoked), the vault on file, and the connect-cli example driven end to end over
 * HTTP (first connection, reuse, and a new hand-off after revocation).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ApiError,
  ApplicationPasswordsUnavailableError,
  AuthorizationRejectedError,
  AuthorizationStateError,
  CredentialVault,
  NotAnApiSiteError,
  RevokedCredentialsError,
  buildAuthorizeUrl,
  completeAuthorization,
  createApiClient,
  discover,
} from '@latchkey/client';
import { FileStorage } from '@latchkey/client/file-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID as EXAMPLE_APP_ID, connect } from '../../../../examples/connect-cli/connect.mjs';
import { deleteApplicationPasswordsOfApp } from '../../src/app-passwords/index.js';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const APP_ID = '5d41402a-bc4b-5a76-b971-9d911017c592';

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', '#39': "'", lt: '<', gt: '>' };
const unescape = (s: string) =>
  s.replace(/&(amp|quot|#39|lt|gt);/g, (_, e: string) => ENTITIES[e]!);

/** The authorize form's fields as the page renders them (what a browser would post). */
function formOf(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of page.matchAll(
    /<input type="(?:hidden|text|date)"[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"/g,
  ))
    fields[m[1]!] = unescape(m[2]!);
  const selected = /<option value="(\w+)"\s*selected>/.exec(page);
  if (selected) fields.scope = selected[1]!;
  return fields;
}

describe.each(STORES)('client SDK against a running Latchkey, SPEC §3.5, §4 ($name)', (store) => {
  let server: TestServer;
  let browser: BrowserClient;
  let userId: number;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'latchkey-sdk-'));
    server = await startTestServer({ store });
    userId = (await server.createUser('sdkuser', 'author')).id;
    const fixture = await makeApplicationPassword(server, userId, 'fixture');
    const post = await api(server, 'POST', '/wp/v2/posts', {
      auth: basic('sdkuser', fixture.password),
      body: { title: 'Hello from the SDK test', status: 'publish' },
    });
    expect(post.status).toBe(201);
    browser = new BrowserClient(server.url);
    await browser.signIn('sdkuser', 'resukds-Pass-1234');
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The user at the screen: opens the URL and presses a button; returns where the browser goes. */
  async function decide(authorizeUrl: string, button: 'approve' | 'reject' = 'approve') {
    const screen = await browser.get(authorizeUrl);
    expect(screen.status, screen.text_.slice(0, 500)).toBe(200);
    const response = await browser.postForm(new URL(authorizeUrl).pathname, {
      ...formOf(screen.text_),
      [button]: '1',
    });
    expect(response.status).toBe(302);
    return response.headers.get('location')!;
  }

  it('discovers the API from the Link header, and through ?rest_route= when the page is unreadable', async () => {
    const site = await discover(server.url);
    expect(site).toMatchObject({
      siteUrl: server.url,
      apiRoot: `${server.url}/wp-json/`,
      name: 'Latchkey',
      authorizationEndpoint: `${server.url}/authorize-application`,
    });
    expect(site.namespaces).toEqual(expect.arrayContaining(['wp/v2', 'latchkey/v1']));
    // A browser cannot read another origin's home page (CORS): only the API answers.
    const corsBlocked: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      if (!url.searchParams.has('rest_route')) throw new TypeError('Failed to fetch');
      return fetch(input, init);
    };
    const fallback = await discover(server.url, { fetch: corsBlocked });
    expect(fallback.apiRoot).toBe(`${server.url}/?rest_route=/`);
    expect(fallback.authorizationEndpoint).toBe(site.authorizationEndpoint);
  });

  it('says when a site is no API site, and when it offers no application passwords', async () => {
    const plain: Server = createServer((_req, res) => res.end('<html><p>just a page</p></html>'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = plain.address() as { port: number };
      await expect(discover(`http://127.0.0.1:${port}`)).rejects.toBeInstanceOf(NotAnApiSiteError);
    } finally {
      plain.close();
    }
    // Production over plain HTTP: the index says "authentication": [].
    const production = await startTestServer({ store, config: { env: 'production' } });
    try {
      const error = await discover(production.url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApplicationPasswordsUnavailableError);
      expect((error as ApplicationPasswordsUnavailableError).code).toBe(
        'application_passwords_unavailable',
      );
    } finally {
      await production.close();
    }
  });

  it('connects with the code flow and PKCE, and the credentials work; a code works once', async () => {
    const site = await discover(server.url);
    const request = await buildAuthorizeUrl({
      endpoint: site.authorizationEndpoint,
      appName: 'SDK test app',
      appId: APP_ID,
      successUrl: 'https://app.example/connected',
      pkce: true,
    });
    const callback = await decide(request.url);
    expect(new URL(callback).searchParams.has('password')).toBe(false);
    const options = {
      expectedState: request.state,
      codeVerifier: request.codeVerifier!,
      appId: APP_ID,
      apiRoot: site.apiRoot,
    };
    const credentials = await completeAuthorization(callback, options);
    expect(credentials).toMatchObject({
      siteUrl: server.url,
      userLogin: 'sdkuser',
      apiRoot: site.apiRoot,
    });
    const client = createApiClient(credentials);
    await expect(client.request('wp/v2/users/me?_fields=slug')).resolves.toEqual({
      slug: 'sdkuser',
    });
    const again = await completeAuthorization(callback, options).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ApiError);
    expect(again).toMatchObject({ code: 'latchkey_invalid_code', status: 400 });
  });

  it('connects with the password in the URL, as with WordPress', async () => {
    const site = await discover(server.url);
    const request = await buildAuthorizeUrl({
      endpoint: site.authorizationEndpoint,
      appName: 'Classic app',
      successUrl: 'myapp://connected',
    });
    const callback = await decide(request.url);
    expect(callback).toMatch(
      /^myapp:\/\/connected\?state=[\w-]+&site_url=.+&user_login=sdkuser&password=[A-Za-z0-9]{24}$/,
    );
    const credentials = await completeAuthorization(callback, { expectedState: request.state });
    await expect(
      createApiClient(credentials).request('wp/v2/users/me?_fields=id'),
    ).resolves.toEqual({
      id: userId,
    });
  });

  it('reports a rejection, and ignores a callback with another state', async () => {
    const site = await discover(server.url);
    const request = await buildAuthorizeUrl({
      endpoint: site.authorizationEndpoint,
      appName: 'Refused app',
      successUrl: 'https://app.example/connected',
      pkce: true,
    });
    const callback = await decide(request.url, 'reject');
    expect(callback).toBe(`https://app.example/connected?state=${request.state}&success=false`);
    await expect(
      completeAuthorization(callback, {
        expectedState: request.state,
        codeVerifier: request.codeVerifier!,
      }),
    ).rejects.toBeInstanceOf(AuthorizationRejectedError);
    await expect(
      completeAuthorization(callback, { expectedState: 'forged' }),
    ).rejects.toBeInstanceOf(AuthorizationStateError);
  });

  it('types the API errors: a content-scope password is refused the users list; a revoked one is RevokedCredentialsError', async () => {
    const site = await discover(server.url);
    const request = await buildAuthorizeUrl({
      endpoint: site.authorizationEndpoint,
      appName: 'Content app',
      appId: APP_ID,
      successUrl: 'https://app.example/connected',
      scope: 'content',
      pkce: true,
    });
    const callback = await decide(request.url);
    const credentials = await completeAuthorization(callback, {
      expectedState: request.state,
      codeVerifier: request.codeVerifier!,
      appId: APP_ID,
    });
    const client = createApiClient(credentials);
    const posts = await client.request<Array<{ title: { rendered: string } }>>('wp/v2/posts', {
      query: { author: userId },
    });
    expect(posts.map((p) => p.title.rendered)).toContain('Hello from the SDK test');
    const refused = await client.request('wp/v2/users').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({
      code: 'rest_forbidden_scope',
      status: 403,
      data: { scope: 'content' },
    });

    await deleteApplicationPasswordsOfApp(server.latchkey.store.db, userId, APP_ID);
    const revoked = await client.request('wp/v2/users/me').catch((e: unknown) => e);
    expect(revoked).toBeInstanceOf(RevokedCredentialsError);
    expect(revoked).toMatchObject({ code: 'incorrect_password', status: 401 });
  });

  it('keeps real credentials in the vault file, sealed', async () => {
    const site = await discover(server.url);
    const request = await buildAuthorizeUrl({
      endpoint: site.authorizationEndpoint,
      appName: 'Vault app',
      successUrl: 'https://app.example/connected',
    });
    const credentials = await completeAuthorization(await decide(request.url), {
      expectedState: request.state,
    });
    const file = path.join(dir, 'vault.json');
    const key = CredentialVault.generateKey();
    await new CredentialVault({ key, storage: new FileStorage(file) }).save(
      site.siteUrl,
      credentials,
    );
    expect(readFileSync(file, 'utf8')).not.toContain(credentials.password);
    const loaded = await new CredentialVault({ key, storage: new FileStorage(file) }).load(
      site.siteUrl,
    );
    expect(loaded).toEqual(credentials);
    await expect(createApiClient(loaded!).request('wp/v2/users/me?_fields=id')).resolves.toEqual({
      id: userId,
    });
  });

  it('the connect-cli example connects, reuses the vault, and connects again after revocation', async () => {
    const vaultFile = path.join(dir, 'connect-vault.json');
    const key = CredentialVault.generateKey();
    const callbacks: string[] = [];
    /** Plays the person: approves in the browser, which then lands on the example's loopback server. */
    const onAuthorizeUrl = async (url: string) => {
      const callback = await decide(url);
      expect(callback).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/callback\?state=[\w-]+&site_url=.+&code=[\w-]{43}$/,
      );
      callbacks.push(callback);
      const landed = await fetch(callback);
      expect(landed.status).toBe(200);
      expect(await landed.text()).toContain('Connected');
    };
    const first = await connect({ siteUrl: server.url, vaultFile, key, onAuthorizeUrl });
    expect(first.connected).toBe(true);
    expect(first.credentials.userLogin).toBe('sdkuser');
    expect(first.posts.map((p) => p.title?.rendered)).toContain('Hello from the SDK test');
    expect(callbacks).toHaveLength(1);

    const second = await connect({ siteUrl: server.url, vaultFile, key, onAuthorizeUrl });
    expect(second.connected).toBe(false);
    expect(callbacks).toHaveLength(1);

    await deleteApplicationPasswordsOfApp(server.latchkey.store.db, userId, EXAMPLE_APP_ID);
    const third = await connect({ siteUrl: server.url, vaultFile, key, onAuthorizeUrl });
    expect(third.connected).toBe(true);
    expect(callbacks).toHaveLength(2);
    expect(third.credentials.password).not.toBe(first.credentials.password);
    expect(third.posts.length).toBeGreaterThan(0);
  });
});
