import {
  AccountError,
  assertEmailAvailable,
  findUserById,
  isValidEmail,
  setUserEmail,
  type User,
} from '../accounts/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { emailChangeMail, emailChangedMail } from '../mail/index.js';
import {
  auditOrigin,
  inBackground,
  linkUrl,
  mailBase,
  send,
  type AccountLinkDeps,
  type LinkOrigin,
} from './deps.js';
import {
  drawLinkToken,
  findLink,
  issueLink,
  latestOpenLink,
  spendLink,
  voidLinks,
  type AccountLink,
  type LinkState,
} from './links.js';

/** Where the confirmation link leads. */
export const CONFIRM_EMAIL_PATH = '/account/email/confirm';

/**
 * A person moving their own account to another address (SPEC §12, WordPress's `_new_email`):
 * nothing changes until the link mailed to the new address is opened. A new request replaces
 * the pending one. Throws AccountError for an address that is malformed or already taken.
 */
export async function requestEmailChange(
  deps: AccountLinkDeps,
  user: User,
  newEmail: string,
  origin: LinkOrigin,
): Promise<AccountLink> {
  const email = newEmail.trim();
  if (!isValidEmail(email))
    throw new AccountError('invalid_email', 'Sorry, that email address is not valid.');
  await assertEmailAvailable(deps.db, email, user.id);
  const drawn = drawLinkToken(deps.key);
  const link = await issueLink(deps.db, drawn, {
    userId: user.id,
    purpose: 'email_change',
    newEmail: email,
    ip: origin.ip,
    now: deps.now(),
  });
  await recordAuditEvent(
    deps.db,
    {
      event: 'email.change_requested',
      userId: user.id,
      ...auditOrigin(origin),
      details: { to: email },
    },
    deps.now(),
  );
  const url = linkUrl(deps, CONFIRM_EMAIL_PATH, { key: drawn.token });
  inBackground(deps, 'mailing an email-change confirmation', async () =>
    send(
      deps,
      email,
      emailChangeMail({ ...(await mailBase(deps, user, origin)), url, newEmail: email }),
    ),
  );
  return link;
}

/** The change waiting for its confirmation, if any (and not expired). */
export async function pendingEmailChange(
  deps: Pick<AccountLinkDeps, 'db' | 'now'>,
  userId: number,
): Promise<{ newEmail: string; expires: number } | undefined> {
  const link = await latestOpenLink(deps.db, userId, ['email_change']);
  if (!link || link.expires <= deps.now() || !link.newEmail) return undefined;
  return { newEmail: link.newEmail, expires: link.expires };
}

export async function cancelEmailChange(
  deps: AccountLinkDeps,
  user: User,
  origin: LinkOrigin,
): Promise<boolean> {
  const voided = await voidLinks(deps.db, user.id, ['email_change'], deps.now());
  if (voided > 0)
    await recordAuditEvent(
      deps.db,
      { event: 'email.change_cancelled', userId: user.id, ...auditOrigin(origin) },
      deps.now(),
    );
  return voided > 0;
}

export type EmailLinkCheck =
  | { ok: true; link: AccountLink & { newEmail: string }; user: User }
  | { ok: false; state: Exclude<LinkState, 'valid'> | 'disabled' };

export async function checkEmailChangeLink(
  deps: AccountLinkDeps,
  key: string,
): Promise<EmailLinkCheck> {
  const found = await findLink(deps.db, deps.key, key, deps.now());
  if (!found.link || found.link.purpose !== 'email_change' || !found.link.newEmail)
    return { ok: false, state: 'unknown' };
  if (found.state !== 'valid') return { ok: false, state: found.state };
  const user = await findUserById(deps.db, found.link.userId);
  if (!user) return { ok: false, state: 'unknown' };
  if (user.disabled) return { ok: false, state: 'disabled' };
  return { ok: true, link: found.link as AccountLink & { newEmail: string }, user };
}

export type EmailChangeResult =
  | { ok: true; user: User; previous: string }
  | { ok: false; state: Exclude<LinkState, 'valid'> | 'disabled' }
  | { ok: false; problem: string };

/**
 * Opening the link: spent atomically, the address moves (verified: the link proved it), the old
 * address is told.
 */
export async function confirmEmailChange(
  deps: AccountLinkDeps,
  key: string,
  origin: LinkOrigin,
): Promise<EmailChangeResult> {
  const check = await checkEmailChangeLink(deps, key);
  if (!check.ok) return check;
  const { user, link } = check;
  try {
    await assertEmailAvailable(deps.db, link.newEmail, user.id);
  } catch (error) {
    if (error instanceof AccountError) return { ok: false, problem: error.message };
    throw error;
  }
  const now = deps.now();
  if (!(await spendLink(deps.db, link.id, now))) return { ok: false, state: 'used' };
  let updated: User;
  try {
    updated = await setUserEmail(deps.db, user, link.newEmail, now);
  } catch (error) {
    if (error instanceof AccountError) return { ok: false, problem: error.message };
    throw error;
  }
  await recordAuditEvent(
    deps.db,
    {
      event: 'email.changed',
      userId: user.id,
      ...auditOrigin(origin),
      details: { from: user.email, to: updated.email, confirmed: true },
    },
    now,
  );
  notifyOldAddress(deps, user, updated.email, origin, false);
  return { ok: true, user: updated, previous: user.email };
}

/** Tells the address an account just left (SPEC §12), in the background. */
export function notifyOldAddress(
  deps: AccountLinkDeps,
  before: User,
  newEmail: string,
  origin: LinkOrigin,
  byAdministrator: boolean,
): void {
  inBackground(deps, 'mailing the email-changed notice', async () =>
    send(
      deps,
      before.email,
      emailChangedMail({ ...(await mailBase(deps, before, origin)), newEmail, byAdministrator }),
    ),
  );
}
