import { apiUrl } from './apiUrl.js';
import type { Credentials } from './authorize.js';
import { basicAuthorization } from './encoding.js';
import { apiErrorFrom } from './errors.js';

export interface ApiRequestInit extends Omit<RequestInit, 'body' | 'credentials'> {
  body?: BodyInit | null;
  /** Sent as JSON (with `Content-Type: application/json`). */
  json?: unknown;
  /** Added to the route's query. */
  query?: Record<string, string | number | boolean | undefined>;
}

export interface ApiClient {
  readonly credentials: Credentials;
  readonly apiRoot: string;
  /**
   * Calls a REST route (`wp/v2/posts`, `/wp/v2/users/me?context=edit`) and returns its JSON.
   * @throws RevokedCredentialsError on any 401, since every request carries the credentials:
   *   Latchkey says `incorrect_password`, WordPress `rest_not_logged_in` (run the hand-off again).
   * @throws ApiError for any other error answer, with the server's `code` and `status`.
   */
  request<T = unknown>(route: string, init?: ApiRequestInit): Promise<T>;
  /** Like {@link ApiClient.request}, returning the Response (headers such as `X-WP-Total`). */
  fetch(route: string, init?: ApiRequestInit): Promise<Response>;
}

export interface ApiClientOptions {
  fetch?: typeof fetch;
  /** Overrides `credentials.apiRoot`. */
  apiRoot?: string;
}

/**
 * An API client that authenticates every request with HTTP Basic and the application password.
 * Cookies are never sent (`credentials: 'omit'`): in a browser, a session cookie of the same
 * site would otherwise make WordPress demand a nonce and answer 401.
 *
 * @example
 * const api = createApiClient(credentials);
 * const posts = await api.request<Array<{ id: number }>>('wp/v2/posts', { query: { author: 1 } });
 */
export function createApiClient(
  credentials: Credentials,
  options: ApiClientOptions = {},
): ApiClient {
  const f = options.fetch ?? globalThis.fetch;
  const apiRoot =
    options.apiRoot ?? credentials.apiRoot ?? `${credentials.siteUrl.replace(/\/+$/, '')}/wp-json/`;
  const authorization = basicAuthorization(credentials.userLogin, credentials.password);

  const send = async (route: string, init: ApiRequestInit = {}): Promise<Response> => {
    const { json, query, headers: given, body, ...rest } = init;
    const headers = new Headers(given);
    headers.set('authorization', authorization);
    if (!headers.has('accept')) headers.set('accept', 'application/json');
    let payload = body;
    if (json !== undefined) {
      headers.set('content-type', 'application/json');
      payload = JSON.stringify(json);
    }
    let url = apiUrl(apiRoot, route);
    if (query) {
      const withQuery = new URL(url);
      for (const [k, v] of Object.entries(query))
        if (v !== undefined) withQuery.searchParams.set(k, String(v));
      url = withQuery.toString();
    }
    const response = await f(url, {
      ...rest,
      headers,
      credentials: 'omit',
      ...(payload !== undefined ? { body: payload } : {}),
    });
    if (!response.ok) throw await apiErrorFrom(response, { sentCredentials: true });
    return response;
  };

  return {
    credentials,
    apiRoot,
    fetch: send,
    async request<T>(route: string, init?: ApiRequestInit): Promise<T> {
      const response = await send(route, init);
      const text = await response.text();
      return (text === '' ? undefined : JSON.parse(text)) as T;
    },
  };
}
