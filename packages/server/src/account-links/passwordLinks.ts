import {
  findUserById,
  findUserByLoginOrEmail,
  markEmailVerified,
  AccountError,
  assertNewPasswordAllowed,
  setUserPassword,
  type User,
} from '../accounts/index.js';
import { deleteAllApplicationPasswords, listApplicationPasswords } from '../app-passwords/index.js';
import { recordAuditEvent } from '../audit/index.js';
import {
  invitationMail,
  passwordResetDoneMail,
  passwordResetMail,
  registrationMail,
} from '../mail/index.js';
import type { SendResult } from '../mail/index.js';
import { endAllSessions } from '../sessions/index.js';
// The state module alone (as the CLI does): no need for the providers to clear challenges.
import { clearLoginChallenges } from '../two-factor/state.js';
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
  PASSWORD_PURPOSES,
  spendLink,
  type AccountLink,
  type LinkPurpose,
  type LinkState,
} from './links.js';

/** Where a set-password link leads (WordPress's `wp-login.php?action=rp&key=…&login=…`). */
export const SET_PASSWORD_PATH = '/login/reset-password';

/**
 * Stores a set-password link for the account and mails it. Resolves once the mail was handed
 * over (callers that must not wait run it in the background).
 */
export async function mailPasswordLink(
  deps: AccountLinkDeps,
  user: User,
  purpose: 'reset' | 'invite' | 'register',
  origin: LinkOrigin,
  drawn = drawLinkToken(deps.key),
): Promise<{ link: AccountLink; mail: SendResult }> {
  const link = await issueLink(deps.db, drawn, {
    userId: user.id,
    purpose,
    ip: origin.ip,
    now: deps.now(),
  });
  const url = linkUrl(deps, SET_PASSWORD_PATH, { key: drawn.token, login: user.login });
  const base = { ...(await mailBase(deps, user, origin)), url };
  const content =
    purpose === 'reset'
      ? passwordResetMail(base)
      : purpose === 'invite'
        ? invitationMail(base)
        : registrationMail(base);
  return { link, mail: await send(deps, user.email, content) };
}

/**
 * "Lost your password?" (SPEC §12). Answers nothing: whether the account exists, is disabled or
 * has had its 3 mails this hour, the caller shows the same page. The work done before returning
 * is the same in every case (one lookup, one limiter consume, a token drawn and hashed); storing
 * the link and mailing it happen afterwards, in the background.
 */
export async function requestPasswordReset(
  deps: AccountLinkDeps,
  input: { log: string; origin: LinkOrigin },
): Promise<void> {
  const typed = input.log.trim().slice(0, 254);
  const user = typed === '' ? undefined : await findUserByLoginOrEmail(deps.db, typed);
  // Counted by account when it exists, else by the typed name: the same consume either way.
  const accountKey = user ? `user:${user.id}` : `name:${typed.toLowerCase()}`;
  const allowed = deps.accountMailLimit
    ? await deps.accountMailLimit(accountKey)
    : { allowed: true };
  const drawn = drawLinkToken(deps.key);
  if (!user) return;
  if (user.disabled || !allowed.allowed) {
    inBackground(deps, 'auditing a refused reset request', () =>
      recordAuditEvent(
        deps.db,
        {
          event: 'password.reset_requested',
          userId: user.id,
          ...auditOrigin(input.origin),
          details: { sent: false, reason: user.disabled ? 'disabled' : 'mail_limit' },
        },
        deps.now(),
      ),
    );
    return;
  }
  inBackground(deps, 'mailing a password reset link', async () => {
    await mailPasswordLink(deps, user, 'reset', input.origin, drawn);
    await recordAuditEvent(
      deps.db,
      {
        event: 'password.reset_requested',
        userId: user.id,
        ...auditOrigin(input.origin),
        details: { sent: true },
      },
      deps.now(),
    );
  });
}

/** A set-password link as its page sees it: usable, or why not. */
export type PasswordLinkCheck =
  | { ok: true; link: AccountLink; user: User }
  | { ok: false; state: Exclude<LinkState, 'valid'> | 'disabled' };

/** Checks a presented `key` and `login` without spending anything. */
export async function checkPasswordLink(
  deps: AccountLinkDeps,
  key: string,
  login: string,
): Promise<PasswordLinkCheck> {
  const found = await findLink(deps.db, deps.key, key, deps.now());
  if (!found.link || !PASSWORD_PURPOSES.includes(found.link.purpose))
    return { ok: false, state: 'unknown' };
  const user = await findUserById(deps.db, found.link.userId);
  // The login travels in the link as WordPress's does; a link with another account's login is
  // no link at all.
  if (!user || user.login.toLowerCase() !== login.trim().toLowerCase())
    return { ok: false, state: 'unknown' };
  if (found.state !== 'valid') return { ok: false, state: found.state };
  if (user.disabled) return { ok: false, state: 'disabled' };
  return { ok: true, link: found.link, user };
}

export type SetPasswordResult =
  | { ok: true; user: User; purpose: LinkPurpose; sessionsEnded: number; revoked: string[] }
  | { ok: false; state: Exclude<LinkState, 'valid'> | 'disabled' }
  | { ok: false; problem: string };

/**
 * Sets the password through a mailed link (reset, invitation, registration). The new password is
 * checked first (a refused one leaves the link usable), then the link is spent atomically (a
 * second concurrent submission is refused as used), then: the password, the address verified
 * (the link was mailed to it), every session and pending second-factor step ended, application
 * passwords revoked when asked, the audit event, and for a reset the notice mail. Second factors
 * are never touched: the next sign-in asks for one as before.
 */
export async function setPasswordWithLink(
  deps: AccountLinkDeps,
  input: {
    key: string;
    login: string;
    password: string;
    confirm: string;
    revokeApplicationPasswords: boolean;
    origin: LinkOrigin;
  },
): Promise<SetPasswordResult> {
  const check = await checkPasswordLink(deps, input.key, input.login);
  if (!check.ok) return check;
  if (input.password !== input.confirm)
    return { ok: false, problem: 'The two passwords do not match.' };
  const { user: target } = check;
  try {
    await assertNewPasswordAllowed(deps.db, input.password, target);
  } catch (error) {
    if (error instanceof AccountError) return { ok: false, problem: error.message };
    throw error;
  }
  const now = deps.now();
  if (!(await spendLink(deps.db, check.link.id, now))) return { ok: false, state: 'used' };
  const { user, link } = check;
  await setUserPassword(deps.db, user.id, input.password);
  await markEmailVerified(deps.db, user.id, now);
  await clearLoginChallenges(deps.db, user.id);
  const sessionsEnded = await endAllSessions(deps.db, user.id);
  const who = { userId: user.id, ...auditOrigin(input.origin) };
  let revoked: string[] = [];
  if (input.revokeApplicationPasswords) {
    revoked = (await listApplicationPasswords(deps.db, user.id)).map((r) => r.uuid);
    const count = await deleteAllApplicationPasswords(deps.db, user.id);
    await recordAuditEvent(
      deps.db,
      {
        ...who,
        event: 'app_password.revoked',
        details: { all: true, count, reason: 'password_reset' },
      },
      now,
    );
  }
  await recordAuditEvent(
    deps.db,
    {
      ...who,
      event: link.purpose === 'reset' ? 'password.reset' : 'password.set',
      details: {
        via: link.purpose,
        sessions_ended: sessionsEnded,
        app_passwords_revoked: revoked.length,
      },
    },
    now,
  );
  if (link.purpose === 'reset') {
    inBackground(deps, 'mailing the password-reset notice', async () =>
      send(deps, user.email, passwordResetDoneMail(await mailBase(deps, user, input.origin))),
    );
  }
  return { ok: true, user, purpose: link.purpose, sessionsEnded, revoked };
}
