import { apiUrl } from './apiUrl.js';
import { bytesToBase64Url, randomBytes } from './encoding.js';
import {
  AuthorizationRejectedError,
  AuthorizationStateError,
  InvalidCallbackError,
  apiErrorFrom,
} from './errors.js';

export type CredentialScope = 'full' | 'content';

/** What a connected app keeps: enough to call the API as the user. */
export interface Credentials {
  /** The site's URL, as the site reported it (`site_url`). */
  siteUrl: string;
  userLogin: string;
  /** The 24-character application password. */
  password: string;
  /** The REST API root, when known from discovery (else `{siteUrl}/wp-json/`). */
  apiRoot?: string;
}

export interface AuthorizeUrlOptions {
  /** The site's authorization endpoint, from {@link discover}. */
  endpoint: string;
  /** Shown to the user, and the default name of the password. */
  appName: string;
  /** A UUID identifying the app (lowercase; a v5 UUID of the app's domain is customary). */
  appId?: string;
  /** Where the browser comes back. Without it the user copies the password by hand. */
  successUrl: string;
  rejectUrl?: string;
  /** Sent back inside the success and reject URLs' query (`state`); random when omitted. */
  state?: string;
  /** Ask for `content` to reach only posts, pages, terms and media; the user may narrow, never widen. */
  scope?: CredentialScope;
  /**
   * Use the code flow with PKCE (S256): the URL carries a one-time code instead of the password,
   * exchanged by {@link completeAuthorization}. Sites that do not know it (WordPress) answer
   * with the password itself, which completeAuthorization accepts as well.
   */
  pkce?: boolean;
}

export interface AuthorizeRequestHandle {
  /** Send the user's browser here. */
  url: string;
  /** Keep it for {@link completeAuthorization}. */
  state: string;
  /** The success URL as sent (with the state): the code exchange must repeat it exactly. */
  successUrl: string;
  /** Keep it secret, for {@link completeAuthorization}, when `pkce` was asked for. */
  codeVerifier?: string;
}

const STATE_PARAM = 'state';

function withParam(url: string, name: string, value: string): string {
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  const fragment = hash >= 0 ? url.slice(hash) : '';
  const separator = !base.includes('?') ? '?' : /[?&]$/.test(base) ? '' : '&';
  return `${base}${separator}${encodeURIComponent(name)}=${encodeURIComponent(value)}${fragment}`;
}

/** `BASE64URL(SHA256(verifier))` (RFC 7636 S256), with WebCrypto. */
export async function s256CodeChallenge(verifier: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(verifier),
  );
  return bytesToBase64Url(new Uint8Array(digest));
}

/**
 * Builds the address of the authorize screen. The protocol has no `state` parameter of its own,
 * so the state travels inside the success (and reject) URL's query and comes back with it.
 *
 * @example
 * const request = await buildAuthorizeUrl({
 *   endpoint: site.authorizationEndpoint,
 *   appName: 'My app',
 *   appId: '8c7dc1c6-0a5e-5e5b-9b4d-3a3c7f1e0b2a',
 *   successUrl: 'https://myapp.example/connected',
 *   pkce: true,
 * });
 * // keep request.state and request.codeVerifier, then send the browser to request.url
 */
export async function buildAuthorizeUrl(
  options: AuthorizeUrlOptions,
): Promise<AuthorizeRequestHandle> {
  const state = options.state ?? bytesToBase64Url(randomBytes(16));
  if (state === '') throw new TypeError('state must not be empty');
  const successUrl = withParam(options.successUrl, STATE_PARAM, state);
  const url = new URL(options.endpoint);
  url.searchParams.set('app_name', options.appName);
  if (options.appId) url.searchParams.set('app_id', options.appId);
  url.searchParams.set('success_url', successUrl);
  if (options.rejectUrl)
    url.searchParams.set('reject_url', withParam(options.rejectUrl, STATE_PARAM, state));
  if (options.scope) url.searchParams.set('scope', options.scope);
  let codeVerifier: string | undefined;
  if (options.pkce) {
    codeVerifier = bytesToBase64Url(randomBytes(32));
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('code_challenge', await s256CodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return { url: url.toString(), state, successUrl, ...(codeVerifier ? { codeVerifier } : {}) };
}

export interface CompleteAuthorizationOptions {
  /** The state of {@link buildAuthorizeUrl}; a callback without it is refused. */
  expectedState: string;
  /** The verifier of {@link buildAuthorizeUrl} when `pkce` was used. */
  codeVerifier?: string;
  /** The success URL as sent; by default recovered from the callback itself. */
  successUrl?: string;
  /** The app_id as sent (the code is bound to it). */
  appId?: string;
  /** The API root from discovery; by default `{site_url}/wp-json/`. */
  apiRoot?: string;
  fetch?: typeof fetch;
}

/** The server appends these after the app's own query; the last value is the server's. */
const last = (params: URLSearchParams, name: string) => params.getAll(name).at(-1);

function constantTimeEquals(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Reads the URL the browser came back to: the credentials, exchanging a one-time code first
 * when one came back (Latchkey's code flow), or the password itself (WordPress's protocol).
 *
 * @throws AuthorizationStateError when the state is not the expected one (do not retry).
 * @throws AuthorizationRejectedError when the user said no.
 * @throws InvalidCallbackError when the URL is not an authorization answer.
 * @throws ApiError when the code exchange is refused (`latchkey_code_expired`, …).
 */
export async function completeAuthorization(
  callbackUrl: string | URL,
  options: CompleteAuthorizationOptions,
): Promise<Credentials> {
  if (!options?.expectedState) throw new TypeError('expectedState is required');
  const url = new URL(callbackUrl);
  const params = url.searchParams;
  // The app's own state comes first in the query: values appended later cannot displace it.
  const state = params.get(STATE_PARAM) ?? '';
  if (!constantTimeEquals(state, options.expectedState)) throw new AuthorizationStateError();
  const password = last(params, 'password');
  const code = last(params, 'code');
  if (!password && !code) {
    if (last(params, 'success') === 'false') throw new AuthorizationRejectedError();
    throw new InvalidCallbackError('it has neither a password nor a code');
  }
  const siteUrl = last(params, 'site_url');
  const userLogin = last(params, 'user_login');
  if (!siteUrl || !userLogin) throw new InvalidCallbackError('site_url or user_login is missing');
  const apiRoot = options.apiRoot ?? `${siteUrl.replace(/\/+$/, '')}/wp-json/`;
  if (password) return { siteUrl, userLogin, password, apiRoot };

  const successUrl =
    options.successUrl ??
    successUrlOf(typeof callbackUrl === 'string' ? callbackUrl : callbackUrl.href);
  const f = options.fetch ?? globalThis.fetch;
  // Form-encoded: a "simple" request, so a browser app needs no CORS preflight.
  const response = await f(apiUrl(apiRoot, 'latchkey/v1/authorize/token'), {
    method: 'POST',
    credentials: 'omit',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      code: code!,
      code_verifier: options.codeVerifier ?? '',
      app_id: options.appId ?? '',
      success_url: successUrl,
    }).toString(),
  });
  if (!response.ok) throw await apiErrorFrom(response);
  const body = (await response.json()) as {
    site_url?: unknown;
    user_login?: unknown;
    password?: unknown;
  };
  if (typeof body.password !== 'string' || typeof body.user_login !== 'string')
    throw new InvalidCallbackError('the code exchange gave no credentials');
  return {
    siteUrl: typeof body.site_url === 'string' ? body.site_url : siteUrl,
    userLogin: body.user_login,
    password: body.password,
    apiRoot,
  };
}

/** The success URL as sent: the callback without what the server appended to it. */
export function successUrlOf(callbackUrl: string): string {
  const hash = callbackUrl.indexOf('#');
  const base = hash >= 0 ? callbackUrl.slice(0, hash) : callbackUrl;
  const fragment = hash >= 0 ? callbackUrl.slice(hash) : '';
  const appended = /[?&]site_url=[^&#]*&user_login=[^&#]*&(?:code|password)=[^&#]*$/.exec(base);
  return appended ? base.slice(0, appended.index) + fragment : callbackUrl;
}
