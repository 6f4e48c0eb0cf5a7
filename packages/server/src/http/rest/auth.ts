import type { FastifyRequest } from 'fastify';
import {
  applicationPasswordsAvailable,
  parseBasicAuthorization,
  verifyApplicationPassword,
} from '../../app-passwords/index.js';
import { effectiveUser } from '../../scopes/index.js';
import { readSettings } from '../../settings/index.js';
import { csrfTokenForSession, csrfTokenMatches } from '../../sessions/index.js';
import { assertSameOrigin, sessionOf } from '../browserAuth.js';
import { addressLimitKey, clientIp, isLoopback } from '../clientAddress.js';
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

export function incorrectPassword(reason?: 'expired'): HttpError {
  return new HttpError(
    401,
    'incorrect_password',
    'The provided password is an invalid application password.',
    reason ? { reason } : {},
  );
}

/** §7's answer to an address past its allowance of failed credentials. */
export const tooManyFailures = (retryAfterSeconds: number) =>
  new HttpError(
    429,
    'too_many_requests',
    'Too many failed attempts from your address. Try again later.',
    {},
    { 'retry-after': String(retryAfterSeconds) },
  );

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
    const ip = clientIp(request);
    const addressKey = addressLimitKey(ip);
    // A good credential writes nothing (one read here); a failure is counted atomically and
    // answered by that count, so past the allowance a burst gets 429, never 401 (SPEC §7).
    const limit = await ctx.limiters.credentialFailures.check(addressKey);
    if (!limit.allowed) throw tooManyFailures(limit.retryAfterSeconds);
    const now = ctx.now();
    const result = await verifyApplicationPassword(ctx.db, basic, now, ctx.credentialCache);
    if (!result.ok) {
      const counted = await ctx.limiters.credentialFailures.recordFailure(addressKey);
      ctx.auditBuffer.credentialFailure(ip, String(request.headers['user-agent'] ?? ''), now);
      if (!counted.allowed) throw tooManyFailures(counted.retryAfterSeconds);
      throw incorrectPassword(result.reason === 'expired' ? 'expired' : undefined);
    }
    const { user, record } = result;
    if ((await readSettings(ctx.db)).applicationPasswordsDisabledRoles.includes(user.role)) {
      throw new HttpError(
        501,
        'application_passwords_disabled_for_user',
        'Application passwords are not available for your account. Please contact the site administrator for assistance.',
      );
    }
    const known = ctx.lastUsed.overlay(record);
    if (known.lastIp !== ip) {
      ctx.auditBuffer.add(
        {
          event: 'app_password.new_ip',
          userId: user.id,
          ip,
          userAgent: String(request.headers['user-agent'] ?? ''),
          credential: `app_password:${record.uuid}`,
          details: { previous_ip: known.lastIp },
        },
        now,
      );
    }
    ctx.lastUsed.record(record.uuid, now, ip);
    // Capability checks see the owner lowered to the password's role ceiling.
    return { user: effectiveUser(user, record), via: 'application_password', appPassword: record };
  }

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
