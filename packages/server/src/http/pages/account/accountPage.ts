import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ROLE_LABELS, type User } from '../../../accounts/index.js';
import { pendingEmailChange } from '../../../account-links/index.js';
import { listAuditEvents } from '../../../audit/index.js';
import { listSessions } from '../../../sessions/index.js';
import { listApplicationPasswords } from '../../../app-passwords/index.js';
import { loadTwoFactorState } from '../../../two-factor/index.js';
import type { SignedIn } from '../../browserAuth.js';
import { applicationPasswordsAvailableFor } from '../../rest/auth.js';
import { listServices } from '../../../services/index.js';
import type { AppContext } from '../../../context.js';
import { html } from '../../html.js';
import type { PageChrome } from '../../layout.js';
import { applicationPasswordsSection } from '../appPasswords/applicationPasswordsSection.js';
import { revokedNotice } from '../appPasswords/revokedNotice.js';
import { noticeFor, requireSignedIn, sendPage } from '../render.js';
import { lowBackupCodesWarning, twoFactorSummary } from '../twoFactor/accountSummary.js';
import { TWO_FACTOR_PAGE } from '../twoFactor/twoFactorPaths.js';
import { activitySection } from './activitySection.js';
import { passwordSection, type PasswordFieldError } from './passwordSection.js';
import { profileSection } from './profileSection.js';
import type { FieldError } from '../fieldError.js';
import { sessionsSection } from './sessionsSection.js';

const ACCOUNT_NOTICES = {
  app_passwords_revoked: 'All application passwords were revoked.',
  password_and_app_passwords:
    'Password changed. Your other sessions were signed out and every application password was revoked.',
  profile: 'Profile saved.',
  password: 'Password changed. Your other sessions were signed out.',
  sessions: 'Your other sessions were signed out.',
  session: 'That session was signed out.',
  email_code_sent: 'We sent a code to your email address: enter it below.',
  email_verified: 'Your email address is verified.',
  email_change_sent:
    'We emailed a link to the new address. Your address changes when you open it; until then it stays as it is.',
  email_change_cancelled: 'The email change was cancelled.',
};

/** `/account`: the page, with a notice from the last redirect. */
export function registerAccountPage(app: FastifyInstance, ctx: AppContext): void {
  app.get('/account', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    const query = request.query as Record<string, unknown>;
    if (query.done === 'app_password_revoked')
      return showAccountPage(ctx, request, reply, signedIn, undefined, 200, {
        revoked: typeof query.revoked === 'string' ? query.revoked : '',
      });
    return showAccountPage(ctx, request, reply, signedIn, noticeFor(query.done, ACCOUNT_NOTICES));
  });
}

/** The account page; the forms posted from it show it again with their refusal. */
export async function showAccountPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: SignedIn,
  flash?: PageChrome['flash'],
  status = 200,
  extra: {
    passwordError?: PasswordFieldError;
    profileError?: FieldError;
    profileValues?: { displayName: string; email: string };
    revoked?: string;
  } = {},
): Promise<FastifyReply> {
  const { user, session } = signedIn;
  const now = ctx.now();
  const sessions = await listSessions(ctx.db, user.id, now);
  const { events } = await listAuditEvents(ctx.db, { userId: user.id, page: 1, perPage: 20 });
  const appPasswords = (await listApplicationPasswords(ctx.db, user.id)).map((r) =>
    ctx.lastUsed.overlay(r),
  );
  const available = await applicationPasswordsAvailableFor(ctx, request);
  const services = await listServices(ctx.db);
  const twoFactor = await ctx.twoFactor.status(user);
  const proofPending = await emailProofPending(ctx, user, now);
  const pendingEmail = await pendingEmailChange(ctx, user.id);
  const notice =
    extra.revoked === undefined ? undefined : await revokedNotice(ctx, user.id, extra.revoked);
  return sendPage(
    ctx,
    request,
    reply,
    { title: 'Your account', status, flash, signedIn },
    (csrf) =>
      html` <h1>Your account</h1>
          <p class="muted">Signed in as <strong>${user.login}</strong> (${ROLE_LABELS[user.role]}).</p>
          <nav class="sections" aria-label="On this page">
            <a href="#profile">Profile</a><a href="#security">Sign-in and two-factor</a><a href="#application-passwords">Application passwords</a><a href="#sessions">Sessions</a><a href="#activity">Activity</a>
          </nav>
          ${lowBackupCodesWarning(twoFactor)}

          <section class="card" aria-labelledby="profile">
          ${profileSection({ csrf, user, proofPending, pendingEmail, error: extra.profileError, values: extra.profileValues })}
          </section>

          <section class="card" aria-labelledby="security" id="security-section">
          <h2 id="security">Sign-in and two-factor</h2>
          <h3 id="two-factor">Two-factor authentication</h3>
          <p id="two-factor-summary">${twoFactorSummary(twoFactor)}</p>
          <p><a href="${TWO_FACTOR_PAGE}" id="manage-two-factor">Manage two-factor authentication</a></p>
          ${passwordSection(csrf, extra.passwordError)}
          </section>

          <section class="card" aria-labelledby="application-passwords">
          ${applicationPasswordsSection({ csrf, base: '/account/application-passwords', records: appPasswords, available, ownerLabel: 'your', ownerRole: user.role, now, services, notice })}
          </section>

          <section class="card" aria-labelledby="sessions">
          ${sessionsSection({ csrf, sessions, currentSessionId: session.id })}
          </section>

          <section class="card" aria-labelledby="activity">
          ${activitySection(events)}
          </section>`,
  );
}

/** A code mailed to the account's current address is waiting to be entered. */
async function emailProofPending(ctx: AppContext, user: User, now: number): Promise<boolean> {
  const proof = await loadTwoFactorState(ctx.db, user.id);
  return (
    proof.proofCodeHash !== null &&
    (proof.proofCodeExpires ?? 0) > now &&
    proof.proofEmail?.toLowerCase() === user.email.toLowerCase()
  );
}
