import type { User } from '../accounts/index.js';
import { recordAuditEvent, type AuditEventName } from '../audit/index.js';
import {
  endAllSessions,
  endOtherSessions,
  liftEnrolmentRestriction,
  type Session,
} from '../sessions/index.js';
import type { ProviderId } from '../two-factor/index.js';
import { METHOD_NAMES, noticeDeps, sendSecurityNotice } from '../notices/index.js';
import type { AppContext } from '../context.js';

/**
 * What follows a change to someone's second factors, the same from the REST routes and from the
 * /account/two-factor pages: the audit event, and the sessions that change with it.
 */
export interface TwoFactorActor {
  /** The acting user (the owner, or an administrator resetting someone else). */
  actorId: number | null;
  /** The browser session the change came from, if any. */
  session: Session | undefined;
  ip: string;
  userAgent: string;
  /** What the audit trail names as the credential (`session:{id}`, …). */
  credential: string | null;
}

export function auditTwoFactor(
  ctx: AppContext,
  actor: TwoFactorActor,
  event: AuditEventName,
  owner: User,
  details: Record<string, unknown>,
): Promise<void> {
  return recordAuditEvent(
    ctx.db,
    {
      event,
      userId: owner.id,
      ip: actor.ip,
      userAgent: actor.userAgent,
      credential: actor.credential,
      details: { by: actor.actorId, ...details },
    },
    ctx.now(),
  );
}

/**
 * After enabling: audited, and a session limited to enrolment becomes a full one under a new
 * token, which is returned for the caller to set as the cookie (ASVS 7.2.4). Enabling ends no
 * session.
 */
export async function afterTwoFactorEnabled(
  ctx: AppContext,
  actor: TwoFactorActor,
  owner: User,
  provider: ProviderId,
): Promise<string | undefined> {
  await auditTwoFactor(ctx, actor, 'two_factor.enabled', owner, { provider });
  sendSecurityNotice(
    noticeDeps(ctx),
    owner,
    { kind: 'factor_added', method: METHOD_NAMES[provider] ?? provider },
    actor,
  );
  if (actor.session?.enrolmentOnly && actor.session.userId === owner.id)
    return liftEnrolmentRestriction(ctx.db, ctx.keys, actor.session.id, ctx.now(), provider);
  return undefined;
}

/** New recovery codes (they replace the old ones): audited as an enabling. */
export function afterBackupCodesGenerated(
  ctx: AppContext,
  actor: TwoFactorActor,
  owner: User,
): Promise<void> {
  sendSecurityNotice(noticeDeps(ctx), owner, { kind: 'recovery_codes_regenerated' }, actor);
  return auditTwoFactor(ctx, actor, 'two_factor.enabled', owner, {
    provider: 'backup_codes',
    regenerated: true,
  });
}

/**
 * After disabling: the owner's other sessions end (whoever held them must sign in again; all of
 * them when someone else made the change). Returns how many ended.
 */
export async function afterTwoFactorDisabled(
  ctx: AppContext,
  actor: TwoFactorActor,
  owner: User,
  provider: ProviderId,
): Promise<number> {
  const ended =
    actor.session && owner.id === actor.actorId
      ? await endOtherSessions(ctx.db, owner.id, actor.session.id)
      : await endAllSessions(ctx.db, owner.id);
  await auditTwoFactor(ctx, actor, 'two_factor.disabled', owner, {
    provider,
    sessions_ended: ended,
  });
  sendSecurityNotice(
    noticeDeps(ctx),
    owner,
    {
      kind: 'factor_removed',
      method: METHOD_NAMES[provider] ?? provider,
      byAdministrator: actor.actorId !== owner.id,
    },
    actor,
  );
  return ended;
}
