import { noticeDeps, sendSecurityNotice } from '../../../notices/index.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccountError, setUserPassword, verifyAccountPassword } from '../../../accounts/index.js';
import { recordAuditEvent } from '../../../audit/index.js';
import {
  endOtherSessions,
  liftPasswordChangeRestriction,
  markReauthenticated,
} from '../../../sessions/index.js';
import { readSettings } from '../../../settings/index.js';
import { html } from '../../html.js';
import type { PageChrome } from '../../layout.js';
import { passwordSection } from './passwordSection.js';
import {
  deleteAllApplicationPasswords,
  listApplicationPasswords,
} from '../../../app-passwords/index.js';
import { assertFormCsrf, setSessionCookie, type SignedIn } from '../../browserAuth.js';
import { addressLimitKey, clientIp } from '../../clientAddress.js';
import type { AppContext } from '../../../context.js';
import { formFields, formText } from '../formFields.js';
import { pageOrigin } from '../pageAudit.js';
import { requireSignedIn, sendPage } from '../render.js';
import { showAccountPage } from './accountPage.js';
import type { PasswordFieldError } from './passwordSection.js';
import { settleSignIn } from '../../../rate-limit/index.js';

/** Changing the password: the current one first, then what the old one opened is closed. */
export function registerPasswordRoutes(app: FastifyInstance, ctx: AppContext): void {
  // SPEC §6.5: where a session signed in with a single-use password is kept until it is
  // replaced. Any other session finds the same form on /account.
  app.get('/account/password', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    if (!signedIn.session.passwordChangeOnly) return reply.redirect('/account#password', 302);
    return showPasswordChangePage(ctx, request, reply, signedIn);
  });

  app.post('/account/password', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const body = formFields(request);
    const next = formText(body.new_password);
    const refuse = (text: string, status: number, field?: PasswordFieldError['field']) =>
      signedIn.session.passwordChangeOnly
        ? showPasswordChangePage(ctx, request, reply, signedIn, status, text, field)
        : field
          ? showAccountPage(ctx, request, reply, signedIn, undefined, status, {
              passwordError: { field, text },
            })
          : showAccountPage(ctx, request, reply, signedIn, { kind: 'error', text }, status);
    // The current password is guessed here as at sign-in: the same limits, the same audit.
    const accountKey = `user:${signedIn.user.id}`;
    const addressKey = addressLimitKey(clientIp(request));
    const limit = await ctx.limiters.signIn.begin(accountKey, addressKey);
    if (!limit.allowed) {
      reply.header('retry-after', String(limit.retryAfterSeconds));
      return refuse(
        `Too many failed attempts. Try again in ${limit.retryAfterSeconds} seconds.`,
        429,
      );
    }
    const current = formText(body.current_password);
    if (
      !(await settleSignIn(limit, () => verifyAccountPassword(signedIn.user.passwordHash, current)))
    ) {
      await recordAuditEvent(
        ctx.db,
        {
          userId: signedIn.user.id,
          ...pageOrigin(request, signedIn),
          event: 'login.failure',
          details: { reason: 'wrong_current_password' },
        },
        ctx.now(),
      );
      return refuse('Your current password is not correct.', 400, 'current_password');
    }
    if (next !== formText(body.confirm_password))
      return refuse('The two new passwords do not match.', 400, 'confirm_password');
    try {
      await setUserPassword(ctx.db, signedIn.user.id, next);
    } catch (error) {
      if (error instanceof AccountError) return refuse(error.message, 400, 'new_password');
      throw error;
    }
    const revokeAll = formText(body.revoke_app_passwords) === 'yes';
    const revoked = await closeWhatTheOldPasswordOpened(ctx, request, signedIn, revokeAll);
    if (signedIn.session.passwordChangeOnly) {
      // The session may go on, under a new token: to a required enrolment, or to the offer of
      // one (SPEC §6.5: the first administrator is asked to set up a second factor next).
      const { requiredTwoFactorRoles } = await readSettings(ctx.db);
      const mustEnrol = requiredTwoFactorRoles.includes(signedIn.user.role);
      const token = await liftPasswordChangeRestriction(
        ctx.db,
        ctx.keys,
        signedIn.session.id,
        ctx.now(),
        mustEnrol,
      );
      setSessionCookie(ctx, request, reply, token, signedIn.session.remember);
      return reply.redirect('/account/two-factor?done=password_set', 303);
    }
    return reply.redirect(
      `/account?done=${revoked > 0 ? 'password_and_app_passwords' : 'password'}`,
      303,
    );
  });
}

/**
 * After a password change: the other sessions end, second-factor steps begun with the old
 * password die with it, this session counts as freshly signed in, and (if asked) every
 * application password is revoked. Returns how many were.
 */
async function closeWhatTheOldPasswordOpened(
  ctx: AppContext,
  request: FastifyRequest,
  signedIn: SignedIn,
  revokeAll: boolean,
): Promise<number> {
  const who = { userId: signedIn.user.id, ...pageOrigin(request, signedIn) };
  const now = ctx.now();
  const ended = await endOtherSessions(ctx.db, signedIn.user.id, signedIn.session.id);
  await ctx.twoFactor.clearChallenges(signedIn.user.id);
  await markReauthenticated(ctx.db, signedIn.session.id, now);
  let revoked = 0;
  if (revokeAll) {
    const records = await listApplicationPasswords(ctx.db, signedIn.user.id);
    revoked = await deleteAllApplicationPasswords(ctx.db, signedIn.user.id, ctx.now());
    for (const r of records) ctx.lastUsed.forget(r.uuid);
    await recordAuditEvent(
      ctx.db,
      {
        ...who,
        event: 'app_password.revoked',
        details: { all: true, count: revoked, reason: 'password_changed' },
      },
      now,
    );
  }
  await recordAuditEvent(
    ctx.db,
    { ...who, event: 'password.changed', details: { sessions_ended: ended } },
    now,
  );
  sendSecurityNotice(
    noticeDeps(ctx),
    signedIn.user,
    { kind: 'password_changed', byAdministrator: false },
    { ip: clientIp(request) },
  );
  return revoked;
}

/** The page of a password-change-only session: the password form and nothing else. */
function showPasswordChangePage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: SignedIn,
  status = 200,
  error?: string,
  field?: PasswordFieldError['field'],
): Promise<FastifyReply> {
  // An error tied to a field is shown beside it; one that is not (the wait) is the banner.
  const flash: PageChrome['flash'] = error && !field ? { kind: 'error', text: error } : undefined;
  return sendPage(
    ctx,
    request,
    reply,
    { title: 'Choose your password', status, flash, signedIn },
    (csrf) => html`<h1>Choose your password</h1>
      <p id="password-change-required">
        The password you signed in with works only once. Enter it as the current password and
        choose your own.
      </p>
      ${passwordSection(csrf, error && field ? { field, text: error } : undefined, { headed: false })}`,
  );
}
