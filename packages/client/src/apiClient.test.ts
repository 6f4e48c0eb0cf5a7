import { describe, expect, it } from 'vitest';
import { createApiClient } from './apiClient.js';
import { apiUrl } from './apiUrl.js';
import { ApiError, RevokedCredentialsError } from './errors.js';

const CREDENTIALS = {
  siteUrl: 'https://site.example',
  userLogin: 'jürgen',
  password: 'abcd EFGH 1234 ijkl MNOP 6789',
};

function recordingFetch(response: () => Response) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return response();
  }) as typeof fetch;
  return { f, calls };
}

describe('apiUrl', () => {
  it('joins routes to pretty and plain API roots', () => {
    expect(apiUrl('https://s.example/wp-json/', '/wp/v2/posts?per_page=5')).toBe(
      'https://s.example/wp-json/wp/v2/posts?per_page=5',
    );
    expect(apiUrl('https://s.example/wp-json', 'wp/v2/users/me')).toBe(
      'https://s.example/wp-json/wp/v2/users/me',
    );
    expect(apiUrl('https://s.example/?rest_route=/', 'wp/v2/posts?per_page=5')).toBe(
      'https://s.example/?rest_route=%2Fwp%2Fv2%2Fposts&per_page=5',
    );
  });
});

describe('createApiClient', () => {
  it('sends Basic (UTF-8) without cookies and returns the JSON', async () => {
    const { f, calls } = recordingFetch(() => Response.json([{ id: 1 }]));
    const api = createApiClient(CREDENTIALS, { fetch: f });
    await expect(
      api.request('wp/v2/posts', { query: { author: 1, status: undefined } }),
    ).resolves.toEqual([{ id: 1 }]);
    expect(calls[0]!.url).toBe('https://site.example/wp-json/wp/v2/posts?author=1');
    expect(calls[0]!.init.credentials).toBe('omit');
    const headers = new Headers(calls[0]!.init.headers);
    const expected = Buffer.from(`jürgen:${CREDENTIALS.password}`, 'utf8').toString('base64');
    expect(headers.get('authorization')).toBe(`Basic ${expected}`);
  });

  it('sends JSON bodies', async () => {
    const { f, calls } = recordingFetch(() => Response.json({ id: 7 }, { status: 201 }));
    const api = createApiClient(
      { ...CREDENTIALS, apiRoot: 'https://site.example/?rest_route=/' },
      { fetch: f },
    );
    await expect(
      api.request('wp/v2/posts', { method: 'POST', json: { title: 'Hi' } }),
    ).resolves.toEqual({ id: 7 });
    expect(calls[0]!.url).toBe('https://site.example/?rest_route=%2Fwp%2Fv2%2Fposts');
    expect(calls[0]!.init.body).toBe('{"title":"Hi"}');
    expect(new Headers(calls[0]!.init.headers).get('content-type')).toBe('application/json');
  });

  it('turns WordPress errors into typed errors', async () => {
    const forbidden = recordingFetch(() =>
      Response.json(
        {
          code: 'rest_forbidden_scope',
          message: 'Not with this password.',
          data: { status: 403, scope: 'content' },
        },
        { status: 403 },
      ),
    );
    const error = await createApiClient(CREDENTIALS, { fetch: forbidden.f })
      .request('wp/v2/users')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 'rest_forbidden_scope',
      status: 403,
      data: { scope: 'content' },
    });
    expect(error).not.toBeInstanceOf(RevokedCredentialsError);

    const revoked = recordingFetch(() =>
      Response.json(
        {
          code: 'incorrect_password',
          message: 'The provided password is an invalid application password.',
          data: { status: 401 },
        },
        { status: 401 },
      ),
    );
    const gone = await createApiClient(CREDENTIALS, { fetch: revoked.f })
      .request('wp/v2/users/me')
      .catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(RevokedCredentialsError);
    expect(gone).toMatchObject({
      code: 'incorrect_password',
      serverCode: 'incorrect_password',
      status: 401,
    });

    // WordPress 6.1 answers a revoked password on users/me as an anonymous request (golden 33).
    const wordpress = recordingFetch(() =>
      Response.json(
        {
          code: 'rest_not_logged_in',
          message: 'You are not currently logged in.',
          data: { status: 401 },
        },
        { status: 401 },
      ),
    );
    const goneOnWordPress = await createApiClient(CREDENTIALS, { fetch: wordpress.f })
      .request('wp/v2/users/me')
      .catch((e: unknown) => e);
    expect(goneOnWordPress).toBeInstanceOf(RevokedCredentialsError);
    expect(goneOnWordPress).toMatchObject({
      code: 'incorrect_password',
      serverCode: 'rest_not_logged_in',
      status: 401,
      message: 'You are not currently logged in.',
    });
    // A 401 without a JSON body (a proxy in front) is the same refusal.
    const bare = recordingFetch(() => new Response('Unauthorized', { status: 401 }));
    expect(
      await createApiClient(CREDENTIALS, { fetch: bare.f })
        .request('wp/v2/posts')
        .catch((e: unknown) => e),
    ).toBeInstanceOf(RevokedCredentialsError);

    const html = recordingFetch(
      () => new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway' }),
    );
    const other = await createApiClient(CREDENTIALS, { fetch: html.f })
      .request('wp/v2/posts')
      .catch((e: unknown) => e);
    expect(other).toMatchObject({ code: 'http_error', status: 502 });
  });

  it('gives the Response for headers such as X-WP-Total', async () => {
    const { f } = recordingFetch(() => Response.json([], { headers: { 'x-wp-total': '3' } }));
    const response = await createApiClient(CREDENTIALS, { fetch: f }).fetch('wp/v2/posts');
    expect(response.headers.get('x-wp-total')).toBe('3');
  });
});
