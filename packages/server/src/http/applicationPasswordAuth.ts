import type { User } from '../accounts/index.js';
import { verifyApplicationPassword, type ApplicationPassword } from '../app-passwords/index.js';
import type { AppContext } from '../context.js';
import type { AuthOutcome } from '../metrics.js';
import { readSettings } from '../settings/index.js';
import { addressLimitKey } from './clientAddress.js';
import { HttpError } from './errors.js';

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

export const disabledForUser = () =>
  new HttpError(
    501,
    'application_passwords_disabled_for_user',
    'Application passwords are not available for your account. Please contact the site administrator for assistance.',
  );

/**
 * HTTP Basic with an application password, the steps every API surface takes (REST, forward
 * authentication): the per-address failure limit (§7), the verification (answered from the
 * credential cache when warm), the failure tally for the audit trail, the roles switched off,
 * the new-IP event and last-used data (in memory). Throws the §3.2 401, the §7 429 or the 501
 * for a role without application passwords; returns the owner and the password.
 */
export async function authenticateApplicationPassword(
  ctx: AppContext,
  basic: { login: string; password: string },
  client: { ip: string; userAgent: string },
  via: 'application_password' | 'forward_auth' = 'application_password',
): Promise<{ user: User; record: ApplicationPassword }> {
  const { ip } = client;
  const count = (outcome: AuthOutcome) => ctx.metrics.auth.inc({ via, outcome });
  const limited = (retryAfterSeconds: number) => {
    count('limited');
    ctx.metrics.rateLimitRefusals.inc({ limit: 'credential_failures' });
    return tooManyFailures(retryAfterSeconds);
  };
  const addressKey = addressLimitKey(ip);
  // A good credential writes nothing (one read here); a failure is counted atomically and
  // answered by that count, so past the allowance a burst gets 429, never 401 (SPEC §7).
  const limit = await ctx.limiters.credentialFailures.check(addressKey);
  if (!limit.allowed) throw limited(limit.retryAfterSeconds);
  const now = ctx.now();
  const result = await verifyApplicationPassword(ctx.db, basic, now, ctx.credentialCache);
  if (!result.ok) {
    const counted = await ctx.limiters.credentialFailures.recordFailure(addressKey);
    ctx.auditBuffer.credentialFailure(ip, client.userAgent, now);
    if (!counted.allowed) throw limited(counted.retryAfterSeconds);
    count(result.reason === 'expired' ? 'expired' : 'wrong');
    throw incorrectPassword(result.reason === 'expired' ? 'expired' : undefined);
  }
  const { user, record } = result;
  count('ok');
  if ((await readSettings(ctx.db)).applicationPasswordsDisabledRoles.includes(user.role))
    throw disabledForUser();
  const known = ctx.lastUsed.overlay(record);
  if (known.lastIp !== ip) {
    ctx.auditBuffer.add(
      {
        event: 'app_password.new_ip',
        userId: user.id,
        ip,
        userAgent: client.userAgent,
        credential: `app_password:${record.uuid}`,
        details: { previous_ip: known.lastIp },
      },
      now,
    );
  }
  ctx.lastUsed.record(record.uuid, now, ip);
  return { user, record };
}
