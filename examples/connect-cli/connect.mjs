#!/usr/bin/env node
/**
 * connect-cli: connects to a Latchkey or WordPress site through the authorize hand-off, keeps
 * the credentials in an encrypted vault file, and lists the user's posts. When the password
 * has been revoked, it runs the hand-off again.
 *
 *   npm run build -w @latchkey/client
 *   node examples/connect-cli/connect.mjs https://example.com [--scope content] [--port 8765]
 *        [--vault ./connect-vault.json] [--json]
 *
 * The vault key comes from LATCHKEY_CONNECT_KEY (64 hex digits) or from `<vault>.key`, created
 * on first use with mode 0600. Everything is also exported as `connect()`, which tests drive
 * programmatically (`onAuthorizeUrl` receives the URL a person would open).
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AuthorizationRejectedError,
  CredentialVault,
  RevokedCredentialsError,
  buildAuthorizeUrl,
  completeAuthorization,
  createApiClient,
  discover,
} from '@latchkey/client';
import { FileStorage } from '@latchkey/client/file-storage';

/** This example's app_id: a v5 UUID of its name, so every copy is the same app to the site. */
export const APP_ID = 'c4d1f6a2-5b3e-5f4a-9c8d-7e6f5a4b3c2d';
export const APP_NAME = 'Latchkey connect-cli example';

const HANDOFF_TIMEOUT_MS = 5 * 60_000;

/** The vault key: from the environment, else from a key file beside the vault (made once, 0600). */
export async function loadVaultKey(vaultFile, env = process.env) {
  if (env.LATCHKEY_CONNECT_KEY) {
    if (!/^[0-9a-f]{64}$/i.test(env.LATCHKEY_CONNECT_KEY))
      throw new Error('LATCHKEY_CONNECT_KEY must be 64 hex digits (32 bytes).');
    return Uint8Array.from(Buffer.from(env.LATCHKEY_CONNECT_KEY, 'hex'));
  }
  const keyFile = `${vaultFile}.key`;
  try {
    return Uint8Array.from(Buffer.from((await readFile(keyFile, 'utf8')).trim(), 'hex'));
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  await writeFile(keyFile, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return Uint8Array.from(key);
}

/**
 * Runs the hand-off once: a loopback server on 127.0.0.1 receives the browser at /callback.
 * Resolves to the credentials; rejects when the user says no or nobody comes back in time.
 */
export async function handOff({ site, port = 0, scope, onAuthorizeUrl, fetch: f }) {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const callbackBase = `http://127.0.0.1:${server.address().port}`;
  try {
    const request = await buildAuthorizeUrl({
      endpoint: site.authorizationEndpoint,
      appName: APP_NAME,
      appId: APP_ID,
      successUrl: `${callbackBase}/callback`,
      ...(scope ? { scope } : {}),
      pkce: true,
    });
    const answered = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('Nobody came back from the authorize screen in 5 minutes.')),
        HANDOFF_TIMEOUT_MS,
      );
      timer.unref();
      server.on('request', (req, res) => {
        const url = new URL(req.url ?? '/', callbackBase);
        if (url.pathname !== '/callback') {
          res.writeHead(404).end();
          return;
        }
        completeAuthorization(`${callbackBase}${req.url}`, {
          expectedState: request.state,
          codeVerifier: request.codeVerifier,
          successUrl: request.successUrl,
          appId: APP_ID,
          apiRoot: site.apiRoot,
          ...(f ? { fetch: f } : {}),
        }).then(
          (credentials) => {
            page(res, 200, 'Connected', 'You can close this tab and return to the terminal.');
            clearTimeout(timer);
            resolve(credentials);
          },
          (error) => {
            const rejected = error instanceof AuthorizationRejectedError;
            page(
              res,
              rejected ? 200 : 400,
              rejected ? 'Not connected' : 'Something went wrong',
              error.message,
            );
            // A forged callback (wrong state) is ignored: keep waiting for the real one.
            if (error.code === 'state_mismatch') return;
            clearTimeout(timer);
            reject(error);
          },
        );
      });
    });
    await onAuthorizeUrl(request.url);
    return await answered;
  } finally {
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
}

function page(res, status, title, text) {
  const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'",
    'cache-control': 'no-store',
  });
  res.end(
    `<!doctype html><title>${escape(title)}</title><h1>${escape(title)}</h1><p>${escape(text)}</p>`,
  );
}

/** The user's own posts (the content tier is enough). */
export async function listOwnPosts(credentials, options = {}) {
  const api = createApiClient(credentials, options);
  const me = await api.request('wp/v2/users/me', { query: { _fields: 'id,name' } });
  const posts = await api.request('wp/v2/posts', {
    query: { author: me.id, per_page: 20, _fields: 'id,title,link,status' },
  });
  return { me, posts };
}

/**
 * Connects (or reuses the stored connection) and lists the user's posts. A revoked or expired
 * password is dropped from the vault and the hand-off runs again, once.
 */
export async function connect({
  siteUrl,
  vaultFile,
  key,
  port = 0,
  scope,
  onAuthorizeUrl,
  fetch: f,
  log = () => {},
}) {
  const site = await discover(siteUrl, f ? { fetch: f } : {});
  const storage = new FileStorage(vaultFile);
  const vault = new CredentialVault({ key: key ?? (await loadVaultKey(vaultFile)), storage });
  const id = site.siteUrl;
  let credentials = await vault.load(id);
  let connected = false;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (!credentials) {
      log(`Connecting to ${site.name || site.siteUrl}…`);
      credentials = await handOff({ site, port, scope, onAuthorizeUrl, fetch: f });
      await vault.save(id, credentials);
      connected = true;
    }
    try {
      const { me, posts } = await listOwnPosts(credentials, f ? { fetch: f } : {});
      return { site, credentials, connected, me, posts };
    } catch (error) {
      if (!(error instanceof RevokedCredentialsError) || attempt > 0) throw error;
      log(
        'The stored application password no longer works (revoked or expired): connecting again.',
      );
      await vault.remove(id);
      credentials = undefined;
    }
  }
  throw new Error('unreachable');
}

function parseArgs(argv) {
  const options = { siteUrl: undefined, vaultFile: 'connect-vault.json', port: 0, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--vault') options.vaultFile = value();
    else if (arg === '--port') options.port = Number(value());
    else if (arg === '--scope') options.scope = value();
    else if (arg === '--json') options.json = true;
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else options.siteUrl = arg;
  }
  if (!options.siteUrl)
    throw new Error(
      'usage: connect.mjs <site-url> [--vault FILE] [--port N] [--scope content|full] [--json]',
    );
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const say = (line) => process.stderr.write(`${line}\n`);
  const result = await connect({
    ...options,
    vaultFile: path.resolve(options.vaultFile),
    log: say,
    onAuthorizeUrl: (url) =>
      say(`Open this address in your browser and approve the connection:\n\n  ${url}\n`),
  });
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ site: result.site.siteUrl, user: result.credentials.userLogin, connected: result.connected, posts: result.posts })}\n`,
    );
    return;
  }
  say(
    `${result.connected ? 'Connected' : 'Using the stored connection'} as ${result.credentials.userLogin} on ${result.site.siteUrl}.`,
  );
  const titles = result.posts.map((p) => `  #${p.id} ${p.title?.rendered ?? ''}`);
  process.stdout.write(`${titles.length ? titles.join('\n') : '  (no posts yet)'}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`connect-cli: ${error.message}\n`);
    process.exit(1);
  });
}
