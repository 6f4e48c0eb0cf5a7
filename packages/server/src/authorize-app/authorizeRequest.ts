import type { Environment } from '../config/index.js';
import { isValidAppId } from '../app-passwords/index.js';
import { isS256CodeChallenge } from './pkce.js';
import { REDIRECT_URL_MESSAGES, appendQueryArgs, checkRedirectUrl } from './redirectUrl.js';

export type AuthorizeScope = 'full' | 'content';
export type ResponseType = 'password' | 'code';

/** What an app asks for on the authorize screen (query on GET, form fields on POST). */
export interface AuthorizeRequest {
  appName: string;
  /** `""` or a lowercase UUID. */
  appId: string;
  /** `""` when absent: the password is then shown on screen. */
  successUrl: string;
  rejectUrl: string;
  /** What the app asked for; `null` when it did not say (the user then picks, `full` first). */
  scope: AuthorizeScope | null;
  responseType: ResponseType;
  /** PKCE S256 challenge, `""` when absent. */
  codeChallenge: string;
  /**
   * **[ours]** Forward-auth services (SPEC §11) the app asks its password to be limited to;
   * `[]` when it did not ask. The person approving may narrow the list, never widen it.
   */
  services: string[];
}

export type AuthorizeProblemField =
  | 'request'
  | 'success_url'
  | 'reject_url'
  | 'app_id'
  | 'scope'
  | 'response_type'
  | 'code_challenge'
  | 'code_challenge_method'
  | 'services';

export interface AuthorizeProblem {
  field: AuthorizeProblemField;
  code: string;
  message: string;
}

export const APP_ID_MESSAGE = 'The application ID must be a UUID.';

/** Query values arrive as strings, or as arrays when a name repeats: those are refused. */
const text = (value: unknown): string | undefined =>
  value === undefined ? '' : typeof value === 'string' ? value : undefined;

/**
 * Reads and checks an authorize request (SPEC §4). Every problem is reported, not only the
 * first, so the error page can list them all. The same function runs on the GET that shows the
 * screen and on the POST that approves it: the form's hidden fields are as untrusted as the URL.
 */
export function parseAuthorizeRequest(
  input: Record<string, unknown>,
  env: Environment,
): { request: AuthorizeRequest; problems: AuthorizeProblem[] } {
  const problems: AuthorizeProblem[] = [];
  const url = (field: 'success_url' | 'reject_url'): string => {
    const value = text(input[field]);
    const problem =
      value === undefined
        ? 'invalid_redirect_url_format'
        : value === ''
          ? undefined
          : checkRedirectUrl(value, env);
    if (problem) problems.push({ field, code: problem, message: REDIRECT_URL_MESSAGES[problem] });
    return problem ? '' : (value ?? '');
  };
  const successUrl = url('success_url');
  const rejectUrl = url('reject_url');

  const appIdText = text(input.app_id);
  if (appIdText === undefined || !isValidAppId(appIdText))
    problems.push({ field: 'app_id', code: 'invalid_app_id', message: APP_ID_MESSAGE });
  const appId = appIdText !== undefined && isValidAppId(appIdText) ? appIdText : '';

  const scopeText = text(input.scope);
  let scope: AuthorizeScope | null = null;
  if (scopeText === 'full' || scopeText === 'content') scope = scopeText;
  else if (scopeText !== '')
    problems.push({
      field: 'scope',
      code: 'invalid_scope',
      message: 'The scope must be "content" or "full".',
    });

  const responseTypeText = text(input.response_type);
  let responseType: ResponseType = 'password';
  if (responseTypeText === 'code') responseType = 'code';
  else if (responseTypeText !== '' && responseTypeText !== 'password')
    problems.push({
      field: 'response_type',
      code: 'invalid_response_type',
      message: 'The response type must be "password" or "code".',
    });
  // A code is useless without somewhere to send it; an app that says "code" must not get the
  // password on screen instead (it would never see it).
  if (
    responseType === 'code' &&
    successUrl === '' &&
    !problems.some((p) => p.field === 'success_url')
  )
    problems.push({
      field: 'success_url',
      code: 'code_requires_success_url',
      message: 'A success URL is required to receive a code.',
    });

  const challengeText = text(input.code_challenge);
  let codeChallenge = '';
  if (challengeText === undefined || (challengeText !== '' && !isS256CodeChallenge(challengeText)))
    problems.push({
      field: 'code_challenge',
      code: 'invalid_code_challenge',
      message: 'The code challenge must be a base64url SHA-256 digest (43 characters).',
    });
  else if (challengeText !== '' && responseType !== 'code')
    problems.push({
      field: 'code_challenge',
      code: 'code_challenge_without_code',
      message: 'A code challenge needs response_type=code.',
    });
  else codeChallenge = challengeText;
  const method = text(input.code_challenge_method);
  if (method !== '' && method !== 'S256')
    problems.push({
      field: 'code_challenge_method',
      code: 'invalid_code_challenge_method',
      message: 'Only the S256 code challenge method is supported.',
    });

  const servicesText = text(input.services) ?? '';
  const services = [...new Set(servicesText.split(/[\s,]+/).filter(Boolean))];
  if (
    services.length > 50 ||
    !services.every((s) => /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/.test(s))
  )
    problems.push({
      field: 'services',
      code: 'invalid_services',
      message: 'The services must be a comma-separated list of service slugs.',
    });

  const appName = (text(input.app_name) ?? '').slice(0, 255);
  return {
    request: {
      appName,
      appId,
      successUrl,
      rejectUrl,
      scope,
      responseType,
      codeChallenge,
      services: problems.some((p) => p.field === 'services') ? [] : services,
    },
    problems,
  };
}

/** Where "No" leads: `reject_url`, else `success_url` + `success=false`, else the account. */
export function rejectDestination(request: AuthorizeRequest): string {
  if (request.rejectUrl) return request.rejectUrl;
  if (request.successUrl) return appendQueryArgs(request.successUrl, [['success', 'false']]);
  return '/account';
}

/**
 * Where "Yes" leads, with what is appended: `site_url`, `user_login` and either the `password`
 * (WordPress's protocol) or a one-time `code` to exchange **[ours]**.
 */
export function approveDestination(
  request: AuthorizeRequest,
  values: { siteUrl: string; userLogin: string; secret: string },
): string {
  return appendQueryArgs(request.successUrl, [
    ['site_url', values.siteUrl],
    ['user_login', values.userLogin],
    [request.responseType === 'code' ? 'code' : 'password', values.secret],
  ]);
}

/** The authorize query that reproduces a request (to come back to the screen after step-up). */
export function authorizeQuery(request: AuthorizeRequest): string {
  const params = new URLSearchParams();
  if (request.appName) params.set('app_name', request.appName);
  if (request.appId) params.set('app_id', request.appId);
  if (request.successUrl) params.set('success_url', request.successUrl);
  if (request.rejectUrl) params.set('reject_url', request.rejectUrl);
  if (request.scope) params.set('scope', request.scope);
  if (request.responseType === 'code') params.set('response_type', 'code');
  if (request.codeChallenge) params.set('code_challenge', request.codeChallenge);
  if (request.services.length > 0) params.set('services', request.services.join(','));
  return params.toString();
}
