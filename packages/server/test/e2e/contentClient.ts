import { BrowserClient } from '../helpers/browserClient.js';
import type { TestServer } from '../helpers/server.js';
import { testPassword } from '../helpers/server.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies; the assertions pin their shape
export type Json = any;

export interface RestReply {
  status: number;
  headers: Headers;
  text: string;
  json: Json;
}

export interface RestCaller {
  /** JSON body unless `init.body` is given (then sent as is with `init.headers`). */
  call(
    method: string,
    path: string,
    body?: unknown,
    init?: { headers?: Record<string, string>; body?: BodyInit },
  ): Promise<RestReply>;
  form(method: string, path: string, fields: Record<string, string>): Promise<RestReply>;
}

const parse = (text: string): Json => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Calls REST as nobody. */
export function anonymous(server: TestServer): RestCaller {
  return caller(server.url, {});
}

function caller(
  baseUrl: string,
  extra: Record<string, string>,
  browser?: BrowserClient,
): RestCaller {
  const send = async (
    method: string,
    path: string,
    headers: Record<string, string>,
    body: BodyInit | undefined,
  ): Promise<RestReply> => {
    const all = { ...extra, ...headers };
    const init = { method, headers: all, ...(body !== undefined ? { body } : {}) };
    if (browser) {
      const r = await browser.request(`/wp-json${path}`, init);
      return { status: r.status, headers: r.headers, text: r.text_, json: parse(r.text_) };
    }
    const r = await fetch(`${baseUrl}/wp-json${path}`, { ...init, redirect: 'manual' });
    const text = await r.text();
    return { status: r.status, headers: r.headers, text, json: parse(text) };
  };
  return {
    call: (method, path, body, init) =>
      init?.body !== undefined
        ? send(method, path, init.headers ?? {}, init.body)
        : send(
            method,
            path,
            {
              ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
              ...(init?.headers ?? {}),
            },
            body !== undefined ? JSON.stringify(body) : undefined,
          ),
    form: (method, path, fields) =>
      send(
        method,
        path,
        { 'content-type': 'application/x-www-form-urlencoded' },
        new URLSearchParams(fields).toString(),
      ),
  };
}

/** A signed-in browser that calls REST with its cookie and nonce. */
export async function signedIn(
  server: TestServer,
  login: string,
  password: string,
): Promise<RestCaller & { browser: BrowserClient; user: string }> {
  const browser = new BrowserClient(server.url);
  // Remembered (14 idle days, SPEC §6.5): tests that move the clock by an hour keep the session.
  const response = await browser.signIn(login, password, { rememberme: 'forever' });
  if (response.status !== 302) throw new Error(`sign-in as ${login} failed: ${response.status}`);
  const nonce = await browser.restNonce();
  return {
    ...caller(server.url, { 'x-wp-nonce': nonce }, browser),
    browser,
    user: login,
  };
}

/** Creates a user of the role and signs them in. */
export async function userWithRole(
  server: TestServer,
  login: string,
  role: 'administrator' | 'editor' | 'author' | 'contributor' | 'subscriber',
) {
  const user = await server.createUser(login, role);
  return { ...(await signedIn(server, login, testPassword(login))), id: user.id };
}
