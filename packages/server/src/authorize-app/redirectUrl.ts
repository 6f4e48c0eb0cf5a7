import type { Environment } from '../config/index.js';

/** Why a redirect URL was refused; the messages are WordPress's, word for word. */
export type RedirectUrlProblem = 'invalid_redirect_url_format' | 'invalid_redirect_scheme';

export const REDIRECT_URL_MESSAGES: Record<RedirectUrlProblem, string> = {
  invalid_redirect_url_format: 'Invalid URL format.',
  invalid_redirect_scheme: 'The URL must be served over a secure connection.',
};

/** Longer URLs are refused rather than cut: the app would get a different address back. */
export const MAX_REDIRECT_URL_LENGTH = 2000;

/** Schemes that run code or read local files where the browser lands, whatever follows them. */
const REFUSED_SCHEMES = new Set(['javascript', 'data', 'vbscript', 'file']);

/** Plain http is fine only where nothing crosses a network: this machine's loopback address. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/**
 * Checks a `success_url` or `reject_url` (SPEC §4). A URL needs a scheme and a host
 * (`scheme://host…`); `javascript:`, `data:`, `vbscript:` and `file:` are refused, and so is
 * userinfo (`https://a@b`: people read the part before `@` as the host); `http:`, in any letter
 * case, only in the `local` environment or to 127.0.0.1 / [::1]; other schemes with a host
 * (`myapp://callback`) are allowed, for native apps.
 *
 * The raw text is checked as well as the parsed URL, because the browser that follows the
 * redirect parses it again: whitespace, control characters and backslashes (which WHATWG
 * parsers turn into slashes for http, but other parsers do not) are refused outright.
 * Returns `undefined` when the URL is acceptable.
 */
export function checkRedirectUrl(url: string, env: Environment): RedirectUrlProblem | undefined {
  if (url.length > MAX_REDIRECT_URL_LENGTH) return 'invalid_redirect_url_format';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f\\]/.test(url)) return 'invalid_redirect_url_format';
  const head = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(url);
  if (!head) return 'invalid_redirect_url_format';
  const scheme = head[1]!.toLowerCase();
  const authority = head[2]!;
  if (REFUSED_SCHEMES.has(scheme)) return 'invalid_redirect_url_format';
  if (authority.includes('@')) return 'invalid_redirect_url_format';
  // The host is judged in the text as written, as PHP's parse_url does: a WHATWG parser would
  // skip the extra slash of `https:///nohost` and read `nohost` as the host.
  if (authority.replace(/:\d*$/, '') === '') return 'invalid_redirect_url_format';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'invalid_redirect_url_format';
  }
  if (parsed.hostname === '' || parsed.username !== '' || parsed.password !== '')
    return 'invalid_redirect_url_format';
  if (scheme === 'http' && env !== 'local' && !LOOPBACK_HOSTS.has(parsed.hostname))
    return 'invalid_redirect_scheme';
  return undefined;
}

/**
 * Appends query parameters the way the app reads them back: after the URL's own query (`&`) or
 * as a new one (`?`), before any fragment. The app's own parameters (its `state`) are kept
 * byte for byte.
 */
export function appendQueryArgs(
  url: string,
  args: ReadonlyArray<readonly [string, string]>,
): string {
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  const fragment = hash >= 0 ? url.slice(hash) : '';
  const query = args.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const separator = !base.includes('?') ? '?' : /[?&]$/.test(base) ? '' : '&';
  return `${base}${separator}${query}${fragment}`;
}
