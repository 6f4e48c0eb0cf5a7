import { findUserById, hasUsablePassword, type User } from '../accounts/index.js';
import { recordAuditEvent } from '../audit/index.js';
import type { SendResult } from '../mail/index.js';
import { auditOrigin, type AccountLinkDeps, type LinkOrigin } from './deps.js';
import { latestOpenLink, listOpenInvitations, voidLinks, type AccountLink } from './links.js';
import { mailPasswordLink } from './passwordLinks.js';

/**
 * An account created without a password gets a set-password link valid 24 h (SPEC §12); a resend
 * replaces the earlier link. Resolves once the mail was handed over.
 */
export async function inviteUser(
  deps: AccountLinkDeps,
  user: User,
  input: { by: number | null; origin: LinkOrigin; resend?: boolean },
): Promise<{ link: AccountLink; mail: SendResult }> {
  const sent = await mailPasswordLink(deps, user, 'invite', input.origin);
  await recordAuditEvent(
    deps.db,
    {
      event: 'user.invited',
      userId: user.id,
      ...auditOrigin(input.origin),
      details: { by: input.by, resend: input.resend === true, expires: sent.link.expires },
    },
    deps.now(),
  );
  return sent;
}

/** Voids the open invitation; the account stays, without a password, until invited again. */
export async function cancelInvitation(
  deps: AccountLinkDeps,
  user: User,
  input: { by: number; origin: LinkOrigin },
): Promise<boolean> {
  const voided = await voidLinks(deps.db, user.id, ['invite'], deps.now());
  if (voided === 0) return false;
  await recordAuditEvent(
    deps.db,
    {
      event: 'user.invitation_cancelled',
      userId: user.id,
      ...auditOrigin(input.origin),
      details: { by: input.by },
    },
    deps.now(),
  );
  return true;
}

export interface OpenInvitation {
  user: User;
  sent: number;
  expires: number;
}

/** The account's invitation that was neither accepted nor cancelled (it may have expired). */
export async function openInvitationOf(
  deps: Pick<AccountLinkDeps, 'db'>,
  user: User,
): Promise<OpenInvitation | undefined> {
  if (hasUsablePassword(user)) return undefined;
  const link = await latestOpenLink(deps.db, user.id, ['invite']);
  return link && { user, sent: link.created, expires: link.expires };
}

/** Every open invitation, newest first, of accounts that still have no password. */
export async function listInvitations(
  deps: Pick<AccountLinkDeps, 'db'>,
): Promise<OpenInvitation[]> {
  const out: OpenInvitation[] = [];
  const seen = new Set<number>();
  for (const link of await listOpenInvitations(deps.db)) {
    if (seen.has(link.userId)) continue;
    seen.add(link.userId);
    const user = await findUserById(deps.db, link.userId);
    if (user && !hasUsablePassword(user))
      out.push({ user, sent: link.created, expires: link.expires });
  }
  return out;
}
