import { describe, expect, it } from 'vitest';
import {
  buildAuthorizeUrl,
  completeAuthorization,
  s256CodeChallenge,
  successUrlOf,
} from './authorize.js';
import {
  ApiError,
  AuthorizationRejectedError,
  AuthorizationStateError,
  InvalidCallbackError,
} from './errors.js';

const ENDPOINT = 'https://site.example/wp-admin/authorize-application.php';
const APP_ID = '8c7dc1c6-0a5e-5e5b-9b4d-3a3c7f1e0b2a';

describe('buildAuthorizeUrl', () => {
  it('puts the state inside success_url and reject_url, and asks for scope', async () => {
    const request = await buildAuthorizeUrl({
      endpoint: ENDPOINT,
      appName: 'My app',
      appId: APP_ID,
      successUrl: 'https://app.example/cb?tab=1',
      rejectUrl: 'https://app.example/no',
      state: 's-123',
      scope: 'content',
    });
    const url = new URL(request.url);
    expect(url.origin + url.pathname).toBe(ENDPOINT);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      app_name: 'My app',
      app_id: APP_ID,
      success_url: 'https://app.example/cb?tab=1&state=s-123',
      reject_url: 'https://app.example/no?state=s-123',
      scope: 'content',
    });
    expect(request).toMatchObject({
      state: 's-123',
      successUrl: 'https://app.example/cb?tab=1&state=s-123',
    });
    expect(request.codeVerifier).toBeUndefined();
  });

  it('makes a random state, and a PKCE pair for the code flow', async () => {
    const a = await buildAuthorizeUrl({
      endpoint: ENDPOINT,
      appName: 'A',
      successUrl: 'myapp://cb',
      pkce: true,
    });
    const b = await buildAuthorizeUrl({
      endpoint: ENDPOINT,
      appName: 'A',
      successUrl: 'myapp://cb',
      pkce: true,
    });
    expect(a.state).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.state).not.toBe(b.state);
    expect(a.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const params = new URL(a.url).searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toBe(await s256CodeChallenge(a.codeVerifier!));
    expect(params.get('success_url')).toBe(`myapp://cb?state=${a.state}`);
  });

  it('computes S256 as RFC 7636 Appendix B does', async () => {
    expect(await s256CodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });
});

describe('completeAuthorization', () => {
  const wordpressCallback =
    'https://app.example/cb?tab=1&state=s-123&site_url=https%3A%2F%2Fsite.example&user_login=admin&password=KWZ8t6WnEsNammTM6TBdjn7B';

  it('reads the credentials WordPress appends (golden 48)', async () => {
    await expect(
      completeAuthorization(wordpressCallback, { expectedState: 's-123' }),
    ).resolves.toEqual({
      siteUrl: 'https://site.example',
      userLogin: 'admin',
      password: 'KWZ8t6WnEsNammTM6TBdjn7B',
      apiRoot: 'https://site.example/wp-json/',
    });
  });

  it('refuses another state, even when the values are right', async () => {
    await expect(
      completeAuthorization(wordpressCallback, { expectedState: 's-124' }),
    ).rejects.toBeInstanceOf(AuthorizationStateError);
    // A state appended after the app's own cannot displace it.
    await expect(
      completeAuthorization(
        `https://app.example/cb?state=evil&site_url=x&user_login=y&password=z&state=s-123`,
        {
          expectedState: 's-123',
        },
      ),
    ).rejects.toBeInstanceOf(AuthorizationStateError);
    await expect(
      completeAuthorization(wordpressCallback, { expectedState: '' }),
    ).rejects.toBeInstanceOf(TypeError);
  });

  it('says the user refused (golden 49)', async () => {
    const error = await completeAuthorization('https://app.example/cb?state=s-1&success=false', {
      expectedState: 's-1',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthorizationRejectedError);
    expect((error as AuthorizationRejectedError).code).toBe('authorization_rejected');
  });

  it('refuses a callback without the answer', async () => {
    await expect(
      completeAuthorization('https://app.example/cb?state=s-1', { expectedState: 's-1' }),
    ).rejects.toBeInstanceOf(InvalidCallbackError);
  });

  it('exchanges a code at latchkey/v1/authorize/token with the verifier, app_id and success_url', async () => {
    const seen: Array<{ url: string; body: string; init: RequestInit | undefined }> = [];
    const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push({ url: String(input), body: String(init?.body), init });
      return new Response(
        JSON.stringify({
          site_url: 'https://site.example',
          user_login: 'admin',
          password: 'P'.repeat(24),
        }),
        { headers: { 'content-type': 'application/json' } },
      );
    }) as typeof fetch;
    const callback =
      'https://app.example/cb?state=s-9&site_url=https%3A%2F%2Fsite.example&user_login=admin&code=abc';
    const credentials = await completeAuthorization(callback, {
      expectedState: 's-9',
      codeVerifier: 'verifier',
      appId: APP_ID,
      fetch: f,
    });
    expect(credentials).toEqual({
      siteUrl: 'https://site.example',
      userLogin: 'admin',
      password: 'P'.repeat(24),
      apiRoot: 'https://site.example/wp-json/',
    });
    expect(seen[0]!.url).toBe('https://site.example/wp-json/latchkey/v1/authorize/token');
    expect(seen[0]!.init?.credentials).toBe('omit');
    expect(Object.fromEntries(new URLSearchParams(seen[0]!.body))).toEqual({
      code: 'abc',
      code_verifier: 'verifier',
      app_id: APP_ID,
      success_url: 'https://app.example/cb?state=s-9',
    });
  });

  it('turns a refused exchange into an ApiError with the server’s code', async () => {
    const f = (async () =>
      new Response(
        JSON.stringify({
          code: 'latchkey_code_expired',
          message: 'The code has expired.',
          data: { status: 400 },
        }),
        { status: 400 },
      )) as unknown as typeof fetch;
    const error = await completeAuthorization(
      'myapp://cb?state=s&site_url=https%3A%2F%2Fs.example&user_login=a&code=c',
      {
        expectedState: 's',
        fetch: f,
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'latchkey_code_expired', status: 400 });
  });
});

describe('successUrlOf', () => {
  it('removes exactly what the server appended', () => {
    expect(successUrlOf('https://a.example/cb?state=x&site_url=s&user_login=u&code=c')).toBe(
      'https://a.example/cb?state=x',
    );
    expect(successUrlOf('myapp://cb?state=x&site_url=s&user_login=u&password=p#frag')).toBe(
      'myapp://cb?state=x#frag',
    );
    expect(successUrlOf('https://a.example/cb?state=x')).toBe('https://a.example/cb?state=x');
  });
});
