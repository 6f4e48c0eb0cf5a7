import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findUserById } from '../../../accounts/index.js';
import {
  CSRF_COOKIE,
  csrfTokenForBrowser,
  csrfTokenForSession,
  csrfTokenMatches,
} from '../../../sessions/index.js';
import { availableProviders, isProviderId, primaryProvider } from '../../../two-factor/index.js';
import { assertSameOrigin, sessionOf, type SignedIn } from '../../browserAuth.js';
import { addressLimitKey, clientIp } from '../../clientAddress.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { html } from '../../html.js';
import { formFields, formText } from '../formFields.js';
import { checkSecondFactor, type ShowMethod } from './secondFactorCheck.js';
import { showSecondFactorPage } from './secondFactorPage.js';
import { SIGN_IN_EXPIRED, signInEndedPage } from './signInEndedPage.js';

/** `/login/two-factor`: the second step of a sign-in or a step-up, one method at a time. */
export function registerTwoFactorSignIn(app: FastifyInstance, ctx: AppContext): void {
  app.post('/login/two-factor', async (request, reply) => {
    const body = formFields(request);
    const signedIn = await sessionOf(ctx, request);
    assertSecondStepCsrf(ctx, request, signedIn, body._csrf);

    const ip = clientIp(request);
    // Failed credentials from this address (forged or stale challenges count) are limited here too.
    const tooMany = (retryAfterSeconds: number) => {
      reply.header('retry-after', String(retryAfterSeconds));
      return new HttpError(
        429,
        'too_many_requests',
        `Too many failed attempts from your address. Try again in ${retryAfterSeconds} seconds.`,
      );
    };
    const addressLimit = await ctx.limiters.credentialFailures.check(addressLimitKey(ip));
    const token = formText(body.challenge);
    const challenge = await ctx.twoFactor.findChallenge(token);
    const user = challenge ? await findUserById(ctx.db, challenge.userId) : undefined;
    const stale =
      !challenge ||
      !user ||
      user.disabled ||
      (challenge.purpose === 'reauth' && challenge.sessionId !== signedIn?.session.id);
    if (!addressLimit.allowed) {
      const error = tooMany(addressLimit.retryAfterSeconds);
      if (stale) throw error;
      // The sign-in itself is still good: its page again, the wait counting down beside Verify
      // (the answer was not looked at, and nothing more is counted).
      const facts = await ctx.twoFactor.facts(user);
      const available = availableProviders(facts);
      const provider = body.provider;
      return showSecondFactorPage(ctx, request, reply, {
        user,
        token,
        challenge,
        provider:
          isProviderId(provider) && available.includes(provider)
            ? provider
            : primaryProvider(facts)!,
        signedIn: challenge.purpose === 'reauth' ? signedIn : undefined,
        status: 429,
        waitSeconds: addressLimit.retryAfterSeconds,
        addressLimited: true,
      });
    }
    // A stale challenge is a failed credential for the per-address limit; a wrong code is a
    // second-factor failure, which has limits of its own (SPEC §6.4).
    if (stale) {
      const counted = await ctx.limiters.credentialFailures.recordFailure(addressLimitKey(ip));
      if (!counted.allowed) throw tooMany(counted.retryAfterSeconds);
      return signInEndedPage(
        ctx,
        request,
        reply,
        SIGN_IN_EXPIRED,
        (csrf) => html`
        <h1>Sign in</h1>
        <p><a href="/login">Sign in again</a></p>
        <input type="hidden" name="_csrf" value="${csrf}">`,
      );
    }
    const facts = await ctx.twoFactor.facts(user);
    const available = availableProviders(facts);
    const primary = primaryProvider(facts)!;
    const page: ShowMethod = (provider, extra = {}) =>
      showSecondFactorPage(ctx, request, reply, {
        user,
        token,
        challenge,
        provider,
        signedIn: challenge.purpose === 'reauth' ? signedIn : undefined,
        ...extra,
      });

    const provider = body.provider;
    if (!isProviderId(provider) || !available.includes(provider)) {
      return page(primary, { flash: { kind: 'error', text: 'That method is not available.' } });
    }
    if (provider === 'email' && formText(body.resend) === '1')
      return page('email', { resend: true });
    const code = formText(body.code);
    const assertion = formText(body.webauthn_response);
    // Choosing a method (no code given) counts as nothing.
    if (code.trim() === '' && assertion === '') return page(provider);
    const answer = { provider, code, assertion };
    return checkSecondFactor(ctx, request, reply, { user, challenge, signedIn, answer, page });
  });
}

/**
 * The page was rendered for a signed-out browser (sign-in) or inside a session (step-up): the
 * form's token may match either.
 */
function assertSecondStepCsrf(
  ctx: AppContext,
  request: FastifyRequest,
  signedIn: SignedIn | undefined,
  token: unknown,
): void {
  assertSameOrigin(ctx, request);
  const browserCookie = request.cookies[CSRF_COOKIE];
  const csrfOk =
    (browserCookie !== undefined &&
      csrfTokenMatches(csrfTokenForBrowser(ctx.keys, browserCookie), token)) ||
    (signedIn !== undefined &&
      csrfTokenMatches(csrfTokenForSession(ctx.keys, signedIn.session.id), token));
  if (!csrfOk)
    throw new HttpError(
      403,
      'latchkey_csrf_failed',
      'The form expired or did not come from this site. Reload the page and try again.',
    );
}
