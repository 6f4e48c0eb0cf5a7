import { describe, expect, it } from 'vitest';
import { apiRootFromHtml, apiRootFromLinkHeader, discover, normalizeSiteUrl } from './discover.js';
import { ApplicationPasswordsUnavailableError, NotAnApiSiteError } from './errors.js';

type Route = (url: URL, init: RequestInit | undefined) => Response | Promise<Response>;

/** A fetch that answers from a table of handlers by URL, and records what was asked. */
function fakeFetch(routes: Record<string, Route>) {
  const calls: string[] = [];
  const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    calls.push(url.toString());
    expect(init?.credentials).toBe('omit');
    const key = Object.keys(routes).find((k) => url.toString().startsWith(k));
    if (!key) throw new TypeError(`fetch failed: ${url}`);
    return routes[key]!(url, init);
  }) as typeof fetch;
  return { f, calls };
}

const INDEX = {
  name: 'Demo site',
  description: 'Just another site',
  url: 'https://demo.example',
  home: 'https://demo.example',
  namespaces: ['wp/v2', 'latchkey/v1'],
  authentication: {
    'application-passwords': {
      endpoints: { authorization: 'https://demo.example/wp-admin/authorize-application.php' },
    },
  },
};
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('apiRootFromLinkHeader', () => {
  it('finds the API root among several links (golden 01)', () => {
    expect(
      apiRootFromLinkHeader(
        '<https://a.example/?p=1>; rel="shortlink", <https://a.example/wp-json/>; rel="https://api.w.org/"',
      ),
    ).toBe('https://a.example/wp-json/');
    expect(
      apiRootFromLinkHeader('</wp-json/>; rel=https://api.w.org/', 'https://b.example/x'),
    ).toBe('https://b.example/wp-json/');
    expect(apiRootFromLinkHeader('<https://a.example/feed>; rel="alternate"')).toBeUndefined();
    expect(apiRootFromLinkHeader(null)).toBeUndefined();
  });
});

describe('apiRootFromHtml', () => {
  it('reads the <link> tag whatever the attribute order and quoting', () => {
    const page = `<html><head><link rel='stylesheet' href='/s.css'>
      <link href="https://c.example/wp-json/?x=1&amp;y=2" rel="https://api.w.org/" /></head></html>`;
    expect(apiRootFromHtml(page)).toBe('https://c.example/wp-json/?x=1&y=2');
    expect(
      apiRootFromHtml('<link rel=https://api.w.org/ href=/wp-json/>', 'https://d.example/'),
    ).toBe('https://d.example/wp-json/');
    expect(apiRootFromHtml('<p>no links</p>')).toBeUndefined();
  });
});

describe('normalizeSiteUrl', () => {
  it('adds https:// to a bare host and drops the fragment', () => {
    expect(normalizeSiteUrl(' demo.example ')).toBe('https://demo.example/');
    expect(normalizeSiteUrl('http://127.0.0.1:8080/blog#x')).toBe('http://127.0.0.1:8080/blog');
  });
});

describe('discover', () => {
  it('follows the Link header, then reads the index', async () => {
    const { f, calls } = fakeFetch({
      'https://demo.example/wp-json/': (url) => {
        expect(url.searchParams.get('_fields')).toContain('authentication');
        return json(INDEX);
      },
      'https://demo.example/': () =>
        new Response('<html></html>', {
          headers: {
            link: '<https://demo.example/wp-json/>; rel="https://api.w.org/"',
            'content-type': 'text/html',
          },
        }),
    });
    const site = await discover('demo.example', { fetch: f });
    expect(site).toMatchObject({
      siteUrl: 'https://demo.example',
      apiRoot: 'https://demo.example/wp-json/',
      name: 'Demo site',
      authorizationEndpoint: 'https://demo.example/wp-admin/authorize-application.php',
      namespaces: ['wp/v2', 'latchkey/v1'],
    });
    expect(calls).toHaveLength(2);
  });

  it('falls back to the <link> tag', async () => {
    const { f } = fakeFetch({
      'https://demo.example/api/': () => json(INDEX),
      'https://demo.example/': () =>
        new Response('<head><link rel="https://api.w.org/" href="/api/"></head>', {
          headers: { 'content-type': 'text/html; charset=utf-8' },
        }),
    });
    expect((await discover('https://demo.example', { fetch: f })).apiRoot).toBe(
      'https://demo.example/api/',
    );
  });

  it('falls back to ?rest_route=/ when the page cannot be read (CORS in a browser)', async () => {
    const { f } = fakeFetch({
      'https://demo.example/?rest_route=': (url) => {
        expect(url.searchParams.get('rest_route')).toBe('/');
        return json(INDEX);
      },
    });
    const site = await discover('https://demo.example', { fetch: f });
    expect(site.apiRoot).toBe('https://demo.example/?rest_route=/');
  });

  it('says so when the site has no API', async () => {
    const { f } = fakeFetch({
      'https://plain.example/?rest_route=': () =>
        new Response('<html>hello</html>', { status: 200 }),
      'https://plain.example/': () =>
        new Response('<html>hello</html>', { headers: { 'content-type': 'text/html' } }),
    });
    const error = await discover('plain.example', { fetch: f }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAnApiSiteError);
    expect((error as NotAnApiSiteError).code).toBe('not_an_api_site');
  });

  it('says so when application passwords are not offered ("authentication": [])', async () => {
    const { f } = fakeFetch({
      'https://demo.example/wp-json/': () => json({ ...INDEX, authentication: [] }),
      'https://demo.example/': () =>
        new Response('', {
          headers: { link: '<https://demo.example/wp-json/>; rel="https://api.w.org/"' },
        }),
    });
    const error = await discover('demo.example', { fetch: f }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationPasswordsUnavailableError);
    expect((error as ApplicationPasswordsUnavailableError).code).toBe(
      'application_passwords_unavailable',
    );
  });
});
