import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../../accounts/index.js';
import { readSettings } from '../../../settings/index.js';
import {
  REMEMBERED_SESSION_TTL_MS,
  SESSION_COOKIE,
  markReauthenticated,
  openSession,
} from '../../../sessions/index.js';
import {
  availableProviders,
  primaryProvider,
  usesTwoFactor,
  type ProviderId,
} from '../../../two-factor/index.js';
import { isSecureRequest, type SignedIn } from '../../browserAuth.js';
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
  const { token } = await openSession(ctx, {
    user,
    ip: clientIp(request),
    userAgent: formText(request.headers['user-agent']),
    remember: options.remember,
    secondFactor: options.secondFactor ?? null,
    enrolmentOnly: options.enrolmentOnly ?? false,
    now: ctx.now(),
  });
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecureRequest(ctx, request),
    ...(ctx.config.cookieDomain ? { domain: ctx.config.cookieDomain } : {}),
    // Without remember-me the cookie lives for the browser session only.
    ...(options.remember ? { maxAge: REMEMBERED_SESSION_TTL_MS / 1000 } : {}),
  });
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
      await markReauthenticated(ctx.db, step.signedIn.session.id, ctx.now());
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
      <p class="error" role="alert">Two-factor authentication is required for this account but no method is available. Contact an administrator.</p>`,
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
