/**
 * One error base with a stable `code` to `switch` on. Codes of errors the server sent are the
 * server's own (WordPress's where it has one: `rest_forbidden`, `incorrect_password`, …).
 */
export class LatchkeyClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The address does not lead to a WordPress-style REST API (no discovery link, no index). */
export class NotAnApiSiteError extends LatchkeyClientError {
  constructor(
    readonly siteUrl: string,
    detail: string,
  ) {
    super(
      'not_an_api_site',
      `${siteUrl} does not look like a WordPress or Latchkey site: ${detail}`,
    );
  }
}

/**
 * The site has an API but offers no application passwords to this client: the index says
 * `"authentication": []` (plain HTTP outside a local environment, or switched off).
 */
export class ApplicationPasswordsUnavailableError extends LatchkeyClientError {
  constructor(readonly apiRoot: string) {
    super(
      'application_passwords_unavailable',
      `The site at ${apiRoot} does not offer application passwords (they need HTTPS, and the site may have switched them off).`,
    );
  }
}

/** The user said no on the authorize screen (`success=false`). */
export class AuthorizationRejectedError extends LatchkeyClientError {
  constructor() {
    super('authorization_rejected', 'The user did not approve the connection.');
  }
}

/** The callback's `state` is not the one this app sent: a forged or replayed callback. */
export class AuthorizationStateError extends LatchkeyClientError {
  constructor() {
    super('state_mismatch', 'The callback does not carry the state this app sent; ignore it.');
  }
}

/** The callback lacks what the protocol puts there (`site_url`, `user_login`, a password or code). */
export class InvalidCallbackError extends LatchkeyClientError {
  constructor(detail: string) {
    super('invalid_callback', `The callback URL is not an authorization answer: ${detail}`);
  }
}

/** An error answer of the REST API, `{"code","message","data":{"status",…}}`. */
export class ApiError extends LatchkeyClientError {
  constructor(
    code: string,
    message: string,
    readonly status: number,
    readonly data: Record<string, unknown> = {},
  ) {
    super(code, message);
  }
}

/**
 * The site refused the application password this client sent: it was revoked, has expired, or
 * its account was disabled. Run the hand-off again; retrying with the same credentials never
 * helps. `code` is always `incorrect_password` (Latchkey's answer), so callers can switch on it
 * whichever server answered; `serverCode` is what the server said: WordPress answers a revoked
 * password with 401 `rest_not_logged_in`, because it falls back to an anonymous request.
 */
export class RevokedCredentialsError extends ApiError {
  readonly serverCode: string;
  constructor(
    message: string,
    data: Record<string, unknown> = {},
    serverCode = 'incorrect_password',
  ) {
    super('incorrect_password', message, 401, data);
    this.serverCode = serverCode;
  }
}

export interface ApiErrorOptions {
  /**
   * The request carried HTTP Basic credentials: then any 401 means they were refused, on
   * Latchkey (`incorrect_password`) and on WordPress alike (`rest_not_logged_in`, …).
   */
  sentCredentials?: boolean;
}

/** Turns an error response into the matching typed error. */
export async function apiErrorFrom(
  response: Response,
  options: ApiErrorOptions = {},
): Promise<ApiError> {
  let body: unknown;
  const text = await response.text();
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed =
    body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string'
      ? (body as { code: string; message?: unknown; data?: unknown })
      : undefined;
  const code = parsed?.code;
  const details =
    parsed?.data && typeof parsed.data === 'object' ? (parsed.data as Record<string, unknown>) : {};
  const message =
    typeof parsed?.message === 'string'
      ? parsed.message
      : (code ?? `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  if (response.status === 401 && (code === 'incorrect_password' || options.sentCredentials))
    return new RevokedCredentialsError(message, details, code ?? 'http_401');
  if (code !== undefined) return new ApiError(code, message, response.status, details);
  return new ApiError('http_error', message, response.status);
}
