import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../../accounts/index.js';
import { reauthenticateSession } from '../../../sessions/index.js';
import type { FailureOutcome, LoginChallenge, ProviderId } from '../../../two-factor/index.js';
import { setSessionCookie, type SignedIn } from '../../browserAuth.js';
import { clientIp } from '../../clientAddress.js';
import type { AppContext } from '../../../context.js';
import { html } from '../../html.js';
import { auditSignInStep } from '../pageAudit.js';
import type { SecondFactorPageState } from './secondFactorPage.js';
import { SIGN_IN_EXPIRED, signInEndedPage } from './signInEndedPage.js';
import { completeSignIn } from './signInSteps.js';

export type ShowMethod = (
  provider: ProviderId,
  extra?: Partial<SecondFactorPageState>,
) => Promise<FastifyReply>;

export interface SecondFactorTry {
  user: User;
  challenge: LoginChallenge;
  signedIn: SignedIn | undefined;
  answer: { provider: ProviderId; code: string; assertion: string };
  page: ShowMethod;
}

/** One try of a code or security key: limited, counted, and on success the sign-in completes. */
export async function checkSecondFactor(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  step: SecondFactorTry,
): Promise<FastifyReply> {
  const { user, challenge, signedIn, page } = step;
  const { provider, code, assertion } = step.answer;
  const attempt = await ctx.twoFactor.beginAttempt(user);
  if (!attempt.ok) {
    ctx.metrics.secondFactor.inc({ provider, outcome: 'limited' });
    ctx.metrics.rateLimitRefusals.inc({ limit: 'second_factor' });
    const wait = attempt.retryAfterSeconds;
    reply.header('retry-after', String(wait));
    return page(provider, { status: 429, waitSeconds: wait });
  }
  let ok: boolean;
  let outcome: FailureOutcome | undefined;
  try {
    ok = await ctx.twoFactor.verify(user, provider, {
      code,
      webauthnResponse: assertion,
      challenge,
    });
    // Counted before the lock is released, so the next attempt sees this failure's wait.
    if (!ok) outcome = await ctx.twoFactor.recordFailure(user, clientIp(request));
  } finally {
    await ctx.twoFactor.endAttempt(user);
  }
  ctx.metrics.secondFactor.inc({ provider, outcome: ok ? 'ok' : 'wrong' });
  if (!ok && outcome) return afterWrongAnswer(ctx, request, reply, step, outcome);
  if (!(await ctx.twoFactor.consumeChallenge(challenge))) {
    return signInEndedPage(
      ctx,
      request,
      reply,
      SIGN_IN_EXPIRED,
      () => html`<h1>Sign in</h1><p><a href="/login">Sign in again</a></p>`,
    );
  }
  await ctx.twoFactor.recordSuccess(user);
  await auditSignInStep(ctx, request, 'two_factor.success', user.id, {
    provider,
    purpose: challenge.purpose,
  });
  if (challenge.purpose === 'reauth' && signedIn) {
    const token = await reauthenticateSession(
      ctx.db,
      ctx.keys,
      signedIn.session.id,
      ctx.now(),
      provider,
    );
    setSessionCookie(ctx, request, reply, token, signedIn.session.remember);
    return reply.redirect(challenge.redirectTo || '/account', 303);
  }
  return completeSignIn(ctx, request, reply, user, {
    remember: challenge.remember,
    redirectTo: challenge.redirectTo,
    secondFactor: provider,
  });
}

/** A wrong code or key: counted, and after too many the password is reset (SPEC §6.4). */
async function afterWrongAnswer(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  step: SecondFactorTry,
  outcome: FailureOutcome,
): Promise<FastifyReply> {
  const { user, challenge, page } = step;
  const { provider } = step.answer;
  await auditSignInStep(ctx, request, 'two_factor.failure', user.id, {
    provider,
    purpose: challenge.purpose,
  });
  if (outcome.forcedReset) {
    await auditSignInStep(ctx, request, 'password.forced_reset', user.id, {
      reason: 'second_factor_failures',
    });
    return signInEndedPage(
      ctx,
      request,
      reply,
      {
        status: 403,
        text: 'Too many failed attempts: the password of this account was reset and its owner was emailed. Contact an administrator.',
      },
      () => html`<h1>Sign in</h1><p><a href="/login">Back to sign-in</a></p>`,
    );
  }
  return page(provider, { wrongAnswer: true, waitSeconds: outcome.waitSeconds });
}
