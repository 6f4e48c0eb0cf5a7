import type { FastifyRequest } from 'fastify';
import { csrfTokenForSession, csrfTokenMatches } from '../../sessions/index.js';
import { assertSameOrigin, sessionOf } from '../browserAuth.js';
import type { AppContext } from '../context.js';
import { HttpError } from '../errors.js';
import type { RestAuth } from './registry.js';

/**
 * Who is calling a REST route. A session cookie counts only together with the session's
 * request token (X-WP-Nonce or _wpnonce), as in WordPress: without it the call is anonymous,
 * with a wrong one it is refused, so a page on another site can never ride the cookie.
 */
export async function resolveRestAuth(
  ctx: AppContext,
  request: FastifyRequest,
  nonceParam: unknown,
): Promise<RestAuth> {
  const signedIn = await sessionOf(ctx, request);
  if (!signedIn) return { user: undefined, via: 'none' };
  const header = request.headers['x-wp-nonce'];
  const nonce = typeof header === 'string' ? header : nonceParam;
  if (nonce === undefined || nonce === '') return { user: undefined, via: 'none' };
  if (!csrfTokenMatches(csrfTokenForSession(ctx.keys, signedIn.session.id), nonce)) {
    throw new HttpError(403, 'rest_cookie_invalid_nonce', 'Cookie check failed');
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') assertSameOrigin(ctx, request);
  return { user: signedIn.user, via: 'cookie', session: signedIn.session };
}
