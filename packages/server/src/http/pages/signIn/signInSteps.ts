import {
  deviceFamily,
  isKnownDevice,
  noticeDeps,
  sendSecurityNotice,
} from '../../../notices/index.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../../accounts/index.js';
import { readSettings } from '../../../settings/index.js';
import { openSession, reauthenticateSession } from '../../../sessions/index.js';
import {
  availableProviders,
  primaryProvider,
  usesTwoFactor,
  type ProviderId,
} from '../../../two-factor/index.js';
import { setSessionCookie, type SignedIn } from '../../browserAuth.js';
import { clientIp } from '../../clientAddress.js';
import type { AppContext } from '../../../context.js';
import { html } from '../../html.js';
import { formText } from '../formFields.js';
import { afterSignIn } from '../../forwardAuth/serviceRedirects.js';
import { auditSignInStep } from '../pageAudit.js';
import { sendPage } from '../render.js';
import { showSecondFactorPage } from './secondFactorPage.js';

/** Where a correct password came from: the sign-in form, or step-up inside a session. */
export interface PasswordStep {
  purpose: 'login' | 'reauth';
  remember: boolean;
  redirectTo: string;
  /** For step-up: the session being re-authenticated. */
  signedIn?: SignedIn;
}

/** Where a password-change-only session is kept until the password is replaced. */
export const PASSWORD_CHANGE_PAGE = '/account/password';

/** Starts a session (the sign-in is complete) and sends the browser on. */
export async function completeSignIn(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
  options: {
    remember: boolean;
    redirectTo: string;
    secondFactor?: ProviderId;
    enrolmentOnly?: boolean;
  },
): Promise<FastifyReply> {
  // SPEC §6.5: a single-use password (the first administrator's) gets a session that may only
  // replace it; a required enrolment comes after that.
  const passwordChangeOnly = user.passwordMustChange;
  const ip = clientIp(request);
  const userAgent = formText(request.headers['user-agent']);
  // Read before this sign-in is recorded: is it from a device and address seen lately?
  const known = await isKnownDevice(ctx.db, user.id, ip, userAgent, ctx.now());
  const { token } = await openSession(ctx, {
    user,
    ip,
    userAgent,
    remember: options.remember,
    secondFactor: options.secondFactor ?? null,
    enrolmentOnly: options.enrolmentOnly ?? false,
    passwordChangeOnly,
    now: ctx.now(),
  });
  setSessionCookie(ctx, request, reply, token, options.remember);
  if (!known)
    sendSecurityNotice(
      noticeDeps(ctx),
      user,
      { kind: 'new_device', device: deviceFamily(userAgent) },
      { ip },
    );
  if (passwordChangeOnly) return reply.redirect(PASSWORD_CHANGE_PAGE, 302);
  return reply.redirect(
    options.enrolmentOnly ? '/account/two-factor' : afterSignIn(options.redirectTo || '/account'),
    302,
  );
}

/**
 * What follows a correct password: for a two-factor user the second-factor page (and no
 * session yet); for a user who must enrol, a session limited to enrolment; else the session.
 */
export async function afterPasswordStep(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
  step: PasswordStep,
): Promise<FastifyReply> {
  const facts = await ctx.twoFactor.facts(user);
  if (!usesTwoFactor(facts)) {
    if (step.purpose === 'reauth' && step.signedIn) {
      const token = await reauthenticateSession(
        ctx.db,
        ctx.keys,
        step.signedIn.session.id,
        ctx.now(),
      );
      setSessionCookie(ctx, request, reply, token, step.signedIn.session.remember);
      return reply.redirect(step.redirectTo || '/account', 303);
    }
    const settings = await readSettings(ctx.db);
    const mustEnrol = settings.requiredTwoFactorRoles.includes(user.role);
    return completeSignIn(ctx, request, reply, user, {
      remember: step.remember,
      redirectTo: step.redirectTo,
      enrolmentOnly: mustEnrol,
    });
  }
  if (availableProviders(facts).length === 0) {
    await auditSignInStep(ctx, request, 'login.failure', user.id, {
      reason: 'no_second_factor_available',
    });
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'Two-factor authentication', status: 403, signedIn: step.signedIn ?? undefined },
      () => html`
      <h1>Two-factor authentication</h1>
      <p class="error" role="alert">Two-factor authentication is required for this account but no method is available. Contact an administrator.</p>
      <p><a href="/login" id="sign-in-again">Sign in with another account</a></p>`,
    );
  }
  const challenge = await ctx.twoFactor.createChallenge(user, {
    purpose: step.purpose,
    redirectTo: step.redirectTo,
    remember: step.remember,
    ...(step.signedIn ? { sessionId: step.signedIn.session.id } : {}),
  });
  const found = (await ctx.twoFactor.findChallenge(challenge))!;
  return showSecondFactorPage(ctx, request, reply, {
    user,
    token: challenge,
    challenge: found,
    provider: primaryProvider(facts)!,
    signedIn: step.signedIn,
  });
}
