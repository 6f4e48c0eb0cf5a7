import type { AuthorizeRequest } from '../../../authorize-app/index.js';

/**
 * The page policy of the site, except `form-action`: the approve and reject buttons post here,
 * and the answer redirects to the app, which Chromium and Firefox check against `form-action`
 * too. So the app's destinations are added to it (origin for http(s), scheme for native apps).
 */
export function authorizePageCsp(request: AuthorizeRequest): string {
  const sources = new Set(["'self'"]);
  for (const url of [request.successUrl, request.rejectUrl]) {
    if (!url) continue;
    const parsed = new URL(url);
    const special = parsed.protocol === 'http:' || parsed.protocol === 'https:';
    // A CSP host-source has no syntax for IPv6 literals or unusual hosts: fall back to the scheme.
    if (special && /^[a-z0-9.-]+(:\d+)?$/i.test(parsed.host))
      sources.add(`${parsed.protocol}//${parsed.host}`);
    else if (/^[a-z][a-z0-9+.-]*:$/.test(parsed.protocol)) sources.add(parsed.protocol);
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action ${[...sources].join(' ')}`,
    "frame-ancestors 'none'",
  ].join('; ');
}
