import { describe, expect, it } from 'vitest';
import {
  approveDestination,
  authorizeQuery,
  parseAuthorizeRequest,
  rejectDestination,
} from './authorizeRequest.js';

const APP_ID = '7a1f2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const messages = (input: Record<string, unknown>, env: 'local' | 'production' = 'production') =>
  parseAuthorizeRequest(input, env).problems.map((p) => `${p.field}: ${p.message}`);

describe('parseAuthorizeRequest', () => {
  it('reads a complete request', () => {
    const { request, problems } = parseAuthorizeRequest(
      {
        app_name: 'Demo App',
        app_id: APP_ID,
        success_url: 'https://app.example.com/cb?state=s1',
        reject_url: 'https://app.example.com/no',
        scope: 'content',
        response_type: 'code',
        code_challenge: CHALLENGE,
        code_challenge_method: 'S256',
      },
      'production',
    );
    expect(problems).toEqual([]);
    expect(request).toEqual({
      appName: 'Demo App',
      appId: APP_ID,
      successUrl: 'https://app.example.com/cb?state=s1',
      rejectUrl: 'https://app.example.com/no',
      scope: 'content',
      responseType: 'code',
      codeChallenge: CHALLENGE,
      services: [],
    });
    expect(new URLSearchParams(authorizeQuery(request)).get('success_url')).toBe(
      request.successUrl,
    );
  });

  it('needs nothing: WordPress shows the password on screen without a success_url', () => {
    const { request, problems } = parseAuthorizeRequest({}, 'production');
    expect(problems).toEqual([]);
    expect(request).toMatchObject({
      appId: '',
      successUrl: '',
      scope: null,
      responseType: 'password',
    });
  });

  it('lists every problem, with WordPress’s messages', () => {
    expect(
      messages({
        success_url: 'javascript:alert(1)',
        reject_url: 'http://app.example.com/no',
        app_id: 'not-a-uuid',
      }),
    ).toEqual([
      'success_url: Invalid URL format.',
      'reject_url: The URL must be served over a secure connection.',
      'app_id: The application ID must be a UUID.',
    ]);
  });

  it('refuses an uppercase UUID and repeated parameters', () => {
    expect(messages({ app_id: APP_ID.toUpperCase() })).toEqual([
      'app_id: The application ID must be a UUID.',
    ]);
    expect(messages({ success_url: ['https://a.example/', 'https://b.example/'] })).toEqual([
      'success_url: Invalid URL format.',
    ]);
  });

  it('checks the [ours] parameters', () => {
    expect(messages({ scope: 'admin' })).toEqual(['scope: The scope must be "content" or "full".']);
    expect(messages({ response_type: 'token' })).toEqual([
      'response_type: The response type must be "password" or "code".',
    ]);
    expect(messages({ response_type: 'code' })).toEqual([
      'success_url: A success URL is required to receive a code.',
    ]);
    expect(messages({ success_url: 'https://a.example/', code_challenge: CHALLENGE })).toEqual([
      'code_challenge: A code challenge needs response_type=code.',
    ]);
    expect(
      messages({
        success_url: 'https://a.example/',
        response_type: 'code',
        code_challenge: 'plain',
      }),
    ).toEqual([
      'code_challenge: The code challenge must be a base64url SHA-256 digest (43 characters).',
    ]);
    expect(
      messages({
        success_url: 'https://a.example/',
        response_type: 'code',
        code_challenge: CHALLENGE,
        code_challenge_method: 'plain',
      }),
    ).toEqual(['code_challenge_method: Only the S256 code challenge method is supported.']);
  });
});

describe('destinations', () => {
  const base = parseAuthorizeRequest({ success_url: 'http://app.example.com/cb' }, 'local').request;
  it('approve appends site_url, user_login and the password (golden 48) or a code', () => {
    expect(
      approveDestination(base, {
        siteUrl: 'http://127.0.0.1:8081',
        userLogin: 'admin',
        secret: 'KWZ8',
      }),
    ).toBe(
      'http://app.example.com/cb?site_url=http%3A%2F%2F127.0.0.1%3A8081&user_login=admin&password=KWZ8',
    );
    expect(
      approveDestination(
        { ...base, responseType: 'code' },
        { siteUrl: 'https://s.example', userLogin: 'a b', secret: 'c' },
      ),
    ).toBe('http://app.example.com/cb?site_url=https%3A%2F%2Fs.example&user_login=a%20b&code=c');
  });
  it('reject goes to reject_url, else success_url with success=false (golden 49), else the account', () => {
    expect(rejectDestination({ ...base, rejectUrl: 'https://app.example.com/no' })).toBe(
      'https://app.example.com/no',
    );
    expect(rejectDestination(base)).toBe('http://app.example.com/cb?success=false');
    expect(rejectDestination({ ...base, successUrl: '' })).toBe('/account');
  });
});

describe('services= (SPEC §11)', () => {
  it('reads a list of slugs and carries it through the query; refuses anything else', () => {
    const { request, problems } = parseAuthorizeRequest(
      { services: 'wiki, calendar,wiki' },
      'production',
    );
    expect(problems).toEqual([]);
    expect(request.services).toEqual(['wiki', 'calendar']);
    expect(new URLSearchParams(authorizeQuery(request)).get('services')).toBe('wiki,calendar');
    expect(parseAuthorizeRequest({ services: 'Bad Slug!' }, 'production').problems[0]?.code).toBe(
      'invalid_services',
    );
  });
});
