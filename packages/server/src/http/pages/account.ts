import { addressLimitKey, clientIp } from '../clientAddress.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AccountError,
  setUserPassword,
  updateUser,
  verifyAccountPassword,
} from '../../accounts/index.js';
import { listAuditEvents, recordAuditEvent } from '../../audit/index.js';
import {
  endOtherSessions,
  endSession,
  listSessions,
  markReauthenticated,
} from '../../sessions/index.js';
import {
  deleteAllApplicationPasswords,
  listApplicationPasswords,
} from '../../app-passwords/index.js';
import { TwoFactorError, loadTwoFactorState } from '../../two-factor/index.js';
import { assertFormCsrf, type SignedIn } from '../browserAuth.js';
import { toHttpError } from '../errors.js';
import { applicationPasswordsAvailableFor } from '../rest/auth.js';
import { applicationPasswordsSection } from './appPasswordPages.js';
import type { AppContext } from '../../context.js';
import { html } from '../html.js';
import { formatTime, noticeFor, requireSignedIn, sendPage } from './render.js';
import { TWO_FACTOR_PAGE, lowBackupCodesWarning, twoFactorSummary } from './twoFactorPages.js';

const ACCOUNT_NOTICES = {
  app_password_revoked: 'Application password revoked.',
  app_passwords_revoked: 'All application passwords were revoked.',
  password_and_app_passwords:
    'Password changed. Your other sessions were signed out and every application password was revoked.',
  profile: 'Profile saved.',
  password: 'Password changed. Your other sessions were signed out.',
  sessions: 'Your other sessions were signed out.',
  session: 'That session was signed out.',
  email_code_sent: 'We sent a code to your email address: enter it below.',
  email_verified: 'Your email address is verified.',
};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function registerAccountPages(app: FastifyInstance, ctx: AppContext): void {
  const who = (request: FastifyRequest, signedIn: SignedIn) => ({
    userId: signedIn.user.id,
    ip: clientIp(request),
    userAgent: str(request.headers['user-agent']),
    credential: `session:${signedIn.session.id}`,
  });

  const show = async (
    request: FastifyRequest,
    reply: Parameters<typeof sendPage>[2],
    signedIn: SignedIn,
    flash?: { kind: 'notice' | 'error'; text: string },
    status = 200,
  ) => {
    const { user, session } = signedIn;
    const now = ctx.now();
    const sessions = await listSessions(ctx.db, user.id, now);
    const { events } = await listAuditEvents(ctx.db, { userId: user.id, page: 1, perPage: 20 });
    const appPasswords = (await listApplicationPasswords(ctx.db, user.id)).map((r) =>
      ctx.lastUsed.overlay(r),
    );
    const available = await applicationPasswordsAvailableFor(ctx, request);
    const twoFactor = await ctx.twoFactor.status(user);
    const proof = await loadTwoFactorState(ctx.db, user.id);
    // A code for this very address is waiting to be entered.
    const proofPending =
      proof.proofCodeHash !== null &&
      (proof.proofCodeExpires ?? 0) > now &&
      proof.proofEmail?.toLowerCase() === user.email.toLowerCase();
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'Your account', status, flash, signedIn },
      (csrf) =>
        html` <h1>Your account</h1>
          <p class="muted">Signed in as <strong>${user.login}</strong> (${user.role}).</p>
          ${lowBackupCodesWarning(twoFactor)}

          <h2 id="profile">Profile</h2>
          <form class="stack" method="post" action="/account/profile">
            <input type="hidden" name="_csrf" value="${csrf}" />
            <label
              >Display name
              <input
                type="text"
                name="display_name"
                value="${user.displayName}"
                maxlength="250"
                required
            /></label>
            <label
              >Email
              <input type="email" name="email" value="${user.email}" maxlength="254" required
            /></label>
            <button type="submit">Save profile</button>
          </form>
          ${
            user.emailVerifiedAt !== null
              ? html`<p class="muted" id="email-verified">Your email address is verified.</p>`
              : html`<div id="email-verification">
          <p>Your email address <strong>${user.email}</strong> is <strong>not verified</strong>. Verify it so that a sign-in code can be emailed to it if you lose your other two-factor methods.</p>
          ${
            proofPending
              ? html`<form class="stack" method="post" action="/account/email/verify" id="verify-email-form">
            <input type="hidden" name="_csrf" value="${csrf}">
            <label>Code from the email <input type="text" name="code" id="email-verification-code" inputmode="numeric" autocomplete="one-time-code" maxlength="20" required></label>
            <button type="submit" id="verify-email">Verify address</button>
          </form>`
              : ''
          }
          <form method="post" action="/account/email/send-code">
            <input type="hidden" name="_csrf" value="${csrf}">
            <button type="submit" class="secondary" id="send-email-code">${proofPending ? 'Send another code' : 'Email me a code'}</button>
          </form></div>`
          }

          <h2 id="two-factor">Two-factor authentication</h2>
          <p id="two-factor-summary">${twoFactorSummary(twoFactor)}</p>
          <p><a href="${TWO_FACTOR_PAGE}" id="manage-two-factor">Manage two-factor authentication</a></p>

          <h2 id="password">Password</h2>
          <form class="stack" method="post" action="/account/password">
            <input type="hidden" name="_csrf" value="${csrf}" />
            <label
              >Current password
              <input
                type="password"
                name="current_password"
                autocomplete="current-password"
                required
            /></label>
            <label
              >New password
              <input
                type="password"
                name="new_password"
                autocomplete="new-password"
                minlength="8"
                required
            /></label>
            <label
              >Repeat new password
              <input
                type="password"
                name="confirm_password"
                autocomplete="new-password"
                minlength="8"
                required
            /></label>
            <button type="submit">Change password</button>
          </form>

          ${applicationPasswordsSection({ csrf, base: '/account/application-passwords', records: appPasswords, available, ownerLabel: 'your', ownerRole: user.role, now })}

      <h2 id="sessions">Sessions</h2>
          <table>
            <thead>
              <tr>
                <th>Signed in</th>
                <th>Last seen</th>
                <th>IP</th>
                <th>Browser</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${sessions.map(
                (s) =>
                  html`<tr data-session="${s.id}">
                    <td>${formatTime(s.created)}</td>
                    <td>${formatTime(s.lastSeen)}</td>
                    <td>${s.ip}</td>
                    <td>${s.userAgent.slice(0, 80)}</td>
                    <td>
                      ${
                        s.id === session.id
                          ? html`<span class="tag">this session</span>`
                          : html`<form
                              class="inline"
                              method="post"
                              action="/account/sessions/${s.id}/end"
                            >
                              <input type="hidden" name="_csrf" value="${csrf}" /><button
                                class="secondary"
                                type="submit"
                              >
                                Sign out
                              </button>
                            </form>`
                      }
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>
          ${
            sessions.length > 1
              ? html`<form method="post" action="/account/sessions/end-others">
                  <input type="hidden" name="_csrf" value="${csrf}" />
                  <p>
                    <button type="submit" id="end-other-sessions">Log out everywhere else</button>
                  </p>
                </form>`
              : html`<p class="muted">This is your only session.</p>`
          }

          <h2 id="activity">Security events</h2>
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Event</th>
                <th>IP</th>
                <th>Browser</th>
              </tr>
            </thead>
            <tbody>
              ${events.map(
                (e) =>
                  html`<tr>
                    <td>${formatTime(e.time)}</td>
                    <td><code>${e.event}</code></td>
                    <td>${e.ip}</td>
                    <td>${e.userAgent.slice(0, 60)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
    );
  };

  app.get('/account', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    return show(
      request,
      reply,
      signedIn,
      noticeFor((request.query as Record<string, unknown>).done, ACCOUNT_NOTICES),
    );
  });

  app.post('/account/profile', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      await updateUser(ctx.db, signedIn.user, {
        displayName: str(body.display_name),
        email: str(body.email),
      });
    } catch (error) {
      if (error instanceof AccountError)
        return show(request, reply, signedIn, { kind: 'error', text: error.message }, 400);
      throw error;
    }
    return reply.redirect('/account?done=profile', 303);
  });

  // Verifying the address: a code mailed to it, entered here (SPEC §6.4).
  app.post('/account/email/send-code', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    try {
      await ctx.twoFactor.sendProofCode(signedIn.user, clientIp(request));
    } catch (error) {
      if (!(error instanceof TwoFactorError)) throw error;
      const http = toHttpError(error)!;
      for (const [k, v] of Object.entries(http.headers)) reply.header(k, v);
      return show(request, reply, signedIn, { kind: 'error', text: error.message }, http.status);
    }
    return reply.redirect('/account?done=email_code_sent#email-verification', 303);
  });

  app.post('/account/email/verify', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    try {
      await ctx.twoFactor.confirmProofCode(
        signedIn.user,
        (request.body as Record<string, unknown> | undefined)?.code,
        false,
      );
    } catch (error) {
      if (!(error instanceof TwoFactorError)) throw error;
      return show(request, reply, signedIn, { kind: 'error', text: error.message }, 400);
    }
    return reply.redirect('/account?done=email_verified', 303);
  });

  app.post('/account/password', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const next = str(body.new_password);
    // The current password is guessed here as at sign-in: the same limits, the same audit.
    const accountKey = `user:${signedIn.user.id}`;
    const addressKey = addressLimitKey(clientIp(request));
    const limit = await ctx.limiters.signIn.begin(accountKey, addressKey);
    if (!limit.allowed) {
      reply.header('retry-after', String(limit.retryAfterSeconds));
      return show(
        request,
        reply,
        signedIn,
        {
          kind: 'error',
          text: `Too many failed attempts. Try again in ${limit.retryAfterSeconds} seconds.`,
        },
        429,
      );
    }
    if (!(await verifyAccountPassword(signedIn.user.passwordHash, str(body.current_password)))) {
      await limit.fail();
      await recordAuditEvent(
        ctx.db,
        {
          ...who(request, signedIn),
          event: 'login.failure',
          details: { reason: 'wrong_current_password' },
        },
        ctx.now(),
      );
      return show(
        request,
        reply,
        signedIn,
        { kind: 'error', text: 'Your current password is not correct.' },
        400,
      );
    }
    await limit.succeed();
    if (next !== str(body.confirm_password)) {
      return show(
        request,
        reply,
        signedIn,
        { kind: 'error', text: 'The two new passwords do not match.' },
        400,
      );
    }
    try {
      await setUserPassword(ctx.db, signedIn.user.id, next);
    } catch (error) {
      if (error instanceof AccountError)
        return show(request, reply, signedIn, { kind: 'error', text: error.message }, 400);
      throw error;
    }
    const now = ctx.now();
    const ended = await endOtherSessions(ctx.db, signedIn.user.id, signedIn.session.id);
    // Second-factor steps begun with the old password die with it.
    await ctx.twoFactor.clearChallenges(signedIn.user.id);
    await markReauthenticated(ctx.db, signedIn.session.id, now);
    let revoked = 0;
    if (str(body.revoke_app_passwords) === 'yes') {
      const records = await listApplicationPasswords(ctx.db, signedIn.user.id);
      revoked = await deleteAllApplicationPasswords(ctx.db, signedIn.user.id);
      for (const r of records) ctx.lastUsed.forget(r.uuid);
      await recordAuditEvent(
        ctx.db,
        {
          ...who(request, signedIn),
          event: 'app_password.revoked',
          details: { all: true, count: revoked, reason: 'password_changed' },
        },
        now,
      );
    }
    await recordAuditEvent(
      ctx.db,
      { ...who(request, signedIn), event: 'password.changed', details: { sessions_ended: ended } },
      now,
    );
    return reply.redirect(
      `/account?done=${revoked > 0 ? 'password_and_app_passwords' : 'password'}`,
      303,
    );
  });

  app.post('/account/sessions/end-others', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const ended = await endOtherSessions(ctx.db, signedIn.user.id, signedIn.session.id);
    await recordAuditEvent(
      ctx.db,
      {
        ...who(request, signedIn),
        event: 'session.ended',
        details: { reason: 'log_out_everywhere_else', count: ended },
      },
      ctx.now(),
    );
    return reply.redirect('/account?done=sessions', 303);
  });

  app.post<{ Params: { id: string } }>('/account/sessions/:id/end', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const ended = await endSession(ctx.db, signedIn.user.id, request.params.id);
    if (ended) {
      await recordAuditEvent(
        ctx.db,
        {
          ...who(request, signedIn),
          event: 'session.ended',
          details: { reason: 'ended_by_user', session: request.params.id },
        },
        ctx.now(),
      );
    }
    return reply.redirect('/account?done=session', 303);
  });
}
