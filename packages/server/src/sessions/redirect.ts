/**
 * Where to send the browser after sign-in: only a path on this site (starting with a single
 * `/`) or an absolute URL on the site's own origin; anything else falls back. With
 * `isServiceUrl`, an absolute http(s) URL without credentials that it accepts (a host of a
 * registered forward-auth service, SPEC §11) is kept whole.
 */
export function safeRedirectTarget(
  candidate: unknown,
  siteUrl: string,
  fallback: string,
  isServiceUrl?: (url: URL) => boolean,
): string {
  if (typeof candidate !== 'string' || candidate === '' || candidate.length > 4096) return fallback;
  // Control characters and backslashes: browsers normalise them into other hosts.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\\]/.test(candidate)) return fallback;
  const site = new URL(siteUrl);
  if (candidate.startsWith('/')) {
    if (candidate.startsWith('//')) return fallback;
    return candidate;
  }
  let target: URL;
  try {
    target = new URL(candidate);
  } catch {
    return fallback;
  }
  if (target.username || target.password) return fallback;
  if (target.origin !== site.origin) {
    const web = target.protocol === 'https:' || target.protocol === 'http:';
    return web && isServiceUrl?.(target) ? target.href : fallback;
  }
  const path = target.pathname + target.search + target.hash;
  // `https://site//evil.example` would become `//evil.example`: another host to a browser.
  return path.startsWith('//') ? fallback : path;
}
