import type { FastifyRequest } from 'fastify';
import {
  applicationPasswordsAvailable,
  parseBasicAuthorization,
} from '../../app-passwords/index.js';
import { effectiveUser } from '../../scopes/index.js';
import { readSettings } from '../../settings/index.js';
import { csrfTokenForSession, csrfTokenMatches } from '../../sessions/index.js';
import { assertSameOrigin, sessionOf } from '../browserAuth.js';
import { clientIp, isLoopback } from '../clientAddress.js';
import { authenticateApplicationPassword } from '../applicationPasswordAuth.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../errors.js';
import type { RestAuth } from './registry.js';

/**
 * Whether application passwords may be used on this request: the transport rule of §3.2
 * and the site-wide switch.
 */
export async function applicationPasswordsAvailableFor(
  ctx: AppContext,
  request: FastifyRequest,
): Promise<boolean> {
  const transport = applicationPasswordsAvailable({
    env: ctx.config.env,
    secure: request.protocol === 'https',
    toLoopback: isLoopback(request.socket.localAddress ?? ''),
  });
  return transport && (await readSettings(ctx.db)).applicationPasswordsEnabled;
}

export { incorrectPassword, tooManyFailures } from '../applicationPasswordAuth.js';

/**
 * Who is calling a REST route.
 * - HTTP Basic with an application password wins over any cookie. A wrong credential is an
 *   error (401 `incorrect_password`, one body for every cause), never a silent downgrade.
 * - A session cookie counts only together with the session's request token (X-WP-Nonce or
 *   _wpnonce), as in WordPress: without it the call is anonymous, with a wrong one refused.
 */
export async function resolveRestAuth(
  ctx: AppContext,
  request: FastifyRequest,
  nonceParam: unknown,
): Promise<RestAuth> {
  const basic = parseBasicAuthorization(request.headers.authorization);
  if (basic && (await applicationPasswordsAvailableFor(ctx, request))) {
    const { user, record } = await authenticateApplicationPassword(ctx, basic, {
      ip: clientIp(request),
      userAgent: String(request.headers['user-agent'] ?? ''),
    });
    // Capability checks see the owner lowered to the password's role ceiling.
    return { user: effectiveUser(user, record), via: 'application_password', appPassword: record };
  }

  const signedIn = await sessionOf(ctx, request);
  if (!signedIn) return { user: undefined, via: 'none' };
  const header = request.headers['x-wp-nonce'];
  const nonce = typeof header === 'string' ? header : nonceParam;
  if (nonce === undefined || nonce === '') return { user: undefined, via: 'none' };
  if (!csrfTokenMatches(csrfTokenForSession(ctx.keys, signedIn.session.id), nonce)) {
    ctx.metrics.auth.inc({ via: 'session', outcome: 'wrong' });
    throw new HttpError(403, 'rest_cookie_invalid_nonce', 'Cookie check failed');
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') assertSameOrigin(ctx, request);
  ctx.metrics.auth.inc({ via: 'session', outcome: 'ok' });
  return { user: signedIn.user, via: 'cookie', session: signedIn.session };
}
