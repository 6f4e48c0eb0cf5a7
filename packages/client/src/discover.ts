import { apiUrl } from './apiUrl.js';
import { ApplicationPasswordsUnavailableError, NotAnApiSiteError } from './errors.js';

/** The `rel` under which a site advertises its REST API root (Link header and `<link>` tag). */
export const API_LINK_REL = 'https://api.w.org/';

export interface DiscoverOptions {
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/** What an app needs to know about a site before sending the user to it. */
export interface SiteDiscovery {
  /** The site's own URL, as its index reports it. */
  siteUrl: string;
  /** The REST API root, e.g. `https://example.com/wp-json/`. */
  apiRoot: string;
  name: string;
  description: string;
  /** Where to send the user: `authentication["application-passwords"].endpoints.authorization`. */
  authorizationEndpoint: string;
  namespaces: string[];
  /** The index as read (only the discovery fields). */
  index: Record<string, unknown>;
}

const relTokens = (value: string) => value.toLowerCase().split(/\s+/).filter(Boolean);

/** Finds the REST API root in a `Link` header value, or returns undefined. */
export function apiRootFromLinkHeader(
  linkHeader: string | null | undefined,
  baseUrl?: string,
): string | undefined {
  if (!linkHeader) return undefined;
  for (const match of linkHeader.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]*)*)/g)) {
    const params = match[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const value = rel?.[1] ?? rel?.[2];
    if (value && relTokens(value).includes(API_LINK_REL)) return resolve(match[1]!, baseUrl);
  }
  return undefined;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeEntities = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#')
      return String.fromCodePoint(
        e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)),
      );
    return ENTITIES[e.toLowerCase()] ?? all;
  });

/** Finds `<link rel="https://api.w.org/" href="…">` in a page, or returns undefined. */
export function apiRootFromHtml(page: string, baseUrl?: string): string | undefined {
  for (const tag of page.matchAll(/<link\b[^>]*>/gi)) {
    const attrs: Record<string, string> = {};
    for (const a of tag[0].matchAll(/([a-zA-Z][\w:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g))
      attrs[a[1]!.toLowerCase()] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '');
    if (attrs.rel && attrs.href && relTokens(attrs.rel).includes(API_LINK_REL))
      return resolve(attrs.href, baseUrl);
  }
  return undefined;
}

function resolve(href: string, baseUrl: string | undefined): string | undefined {
  try {
    return new URL(href, baseUrl).toString();
  } catch {
    return undefined;
  }
}

/** A site address as people type it: `example.com` means `https://example.com`. */
export function normalizeSiteUrl(siteUrl: string): string {
  const trimmed = siteUrl.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  const url = new URL(withScheme);
  url.hash = '';
  return url.toString();
}

const INDEX_FIELDS = 'name,description,url,home,namespaces,authentication';

/**
 * Finds a site's REST API and its authorization endpoint, the way WordPress documents it:
 * the `Link` header of the home page, then the `<link rel="https://api.w.org/">` tag, then
 * `?rest_route=/` (the only one a browser can read across origins: the page itself is not
 * CORS-enabled, the API is). Then reads the index.
 *
 * @throws NotAnApiSiteError when no API answers.
 * @throws ApplicationPasswordsUnavailableError when the index offers no application passwords.
 *
 * @example
 * const site = await discover('example.com');
 * site.authorizationEndpoint; // 'https://example.com/wp-admin/authorize-application.php'
 */
export async function discover(
  siteUrl: string,
  options: DiscoverOptions = {},
): Promise<SiteDiscovery> {
  const f = options.fetch ?? globalThis.fetch;
  const base = normalizeSiteUrl(siteUrl);
  const init = {
    credentials: 'omit' as const,
    redirect: 'follow' as const,
    signal: options.signal,
  };
  const candidates: string[] = [];
  let lastProblem = 'no API link on the page';
  try {
    const page = await f(base, { ...init, headers: { accept: 'text/html' } });
    const pageUrl = page.url || base;
    const fromHeader = apiRootFromLinkHeader(page.headers.get('link'), pageUrl);
    if (fromHeader) candidates.push(fromHeader);
    else if (/html/i.test(page.headers.get('content-type') ?? '')) {
      const fromTag = apiRootFromHtml(await page.text(), pageUrl);
      if (fromTag) candidates.push(fromTag);
    }
  } catch (error) {
    // A browser may not read another origin's page (CORS); the API itself still answers.
    lastProblem = error instanceof Error ? error.message : String(error);
  }
  const fallback = new URL(base);
  fallback.pathname = fallback.pathname.replace(/\/*$/, '/');
  fallback.search = '?rest_route=/';
  if (!candidates.includes(fallback.toString())) candidates.push(fallback.toString());

  for (const apiRoot of candidates) {
    let index: Record<string, unknown>;
    try {
      const response = await f(apiUrl(apiRoot, `?_fields=${INDEX_FIELDS}`), {
        ...init,
        headers: { accept: 'application/json' },
      });
      if (!response.ok) {
        lastProblem = `${apiRoot} answered HTTP ${response.status}`;
        continue;
      }
      const body: unknown = await response.json();
      if (
        !body ||
        typeof body !== 'object' ||
        !Array.isArray((body as { namespaces?: unknown }).namespaces)
      ) {
        lastProblem = `${apiRoot} is not a REST API index`;
        continue;
      }
      index = body as Record<string, unknown>;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
      continue;
    }
    const authorizationEndpoint = authorizationEndpointOf(index);
    if (!authorizationEndpoint) throw new ApplicationPasswordsUnavailableError(apiRoot);
    const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
    return {
      siteUrl: str(index.url, base.replace(/\/$/, '')),
      apiRoot,
      name: str(index.name, ''),
      description: str(index.description, ''),
      authorizationEndpoint,
      namespaces: (index.namespaces as unknown[]).filter((n): n is string => typeof n === 'string'),
      index,
    };
  }
  throw new NotAnApiSiteError(base, lastProblem);
}

function authorizationEndpointOf(index: Record<string, unknown>): string | undefined {
  const auth = index.authentication;
  if (!auth || typeof auth !== 'object' || Array.isArray(auth)) return undefined;
  const ap = (auth as Record<string, unknown>)['application-passwords'];
  const endpoints =
    ap && typeof ap === 'object' ? (ap as { endpoints?: unknown }).endpoints : undefined;
  const url =
    endpoints && typeof endpoints === 'object'
      ? (endpoints as { authorization?: unknown }).authorization
      : undefined;
  return typeof url === 'string' && url !== '' ? url : undefined;
}
