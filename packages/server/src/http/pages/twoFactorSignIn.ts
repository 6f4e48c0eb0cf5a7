import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findUserById, type User } from '../../accounts/index.js';
import { recordAuditEvent, type AuditEventName } from '../../audit/index.js';
import { readSettings } from '../../settings/index.js';
import {
  CSRF_COOKIE,
  REMEMBERED_SESSION_TTL_MS,
  SESSION_COOKIE,
  csrfTokenForBrowser,
  csrfTokenForSession,
  csrfTokenMatches,
  markReauthenticated,
  openSession,
} from '../../sessions/index.js';
import {
  PROVIDER_LABELS,
  PROVIDER_SWITCH_LABELS,
  availableProviders,
  isProviderId,
  primaryProvider,
  usesTwoFactor,
  type LoginChallenge,
  type ProviderId,
} from '../../two-factor/index.js';
import { assertSameOrigin, isSecureRequest, sessionOf, type SignedIn } from '../browserAuth.js';
import { addressLimitKey, clientIp } from '../clientAddress.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../errors.js';
import { html, type Html } from '../html.js';
import { sendPage } from './render.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export const WEBAUTHN_HEAD = html`<script type="module" src="/assets/simplewebauthn-browser.js"></script>`;

interface Step {
  purpose: 'login' | 'reauth';
  remember: boolean;
  redirectTo: string;
  /** For step-up: the session being re-authenticated. */
  signedIn?: SignedIn;
}

function audit(
  ctx: AppContext,
  request: FastifyRequest,
  event: AuditEventName,
  userId: number,
  details: Record<string, unknown> = {},
  credential?: string,
) {
  return recordAuditEvent(
    ctx.db,
    {
      event,
      userId,
      ip: clientIp(request),
      userAgent: str(request.headers['user-agent']),
      credential: credential ?? null,
      details,
    },
    ctx.now(),
  );
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
    userAgent: str(request.headers['user-agent']),
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
    // Without remember-me the cookie lives for the browser session only.
    ...(options.remember ? { maxAge: REMEMBERED_SESSION_TTL_MS / 1000 } : {}),
  });
  return reply.redirect(
    options.enrolmentOnly ? '/account/two-factor' : options.redirectTo || '/account',
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
  step: Step,
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
    await audit(ctx, request, 'login.failure', user.id, { reason: 'no_second_factor_available' });
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

interface PageState {
  user: User;
  token: string;
  challenge: LoginChallenge;
  provider: ProviderId;
  signedIn?: SignedIn | undefined;
  status?: number;
  flash?: { kind: 'notice' | 'error'; text: string };
  resend?: boolean;
}

/** The second-factor page: the chosen method's form, and the other methods as buttons. */
async function showSecondFactorPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  state: PageState,
): Promise<FastifyReply> {
  const { user, token, provider } = state;
  const facts = await ctx.twoFactor.facts(user);
  const available = availableProviders(facts);
  let flash = state.flash;
  let webauthnOptions: string | undefined;
  if (provider === 'email') {
    const sent = await ctx.twoFactor.offerEmailCode(user, clientIp(request), state.resend ?? false);
    if (state.resend) {
      flash = sent.sent
        ? { kind: 'notice', text: 'A new code was sent.' }
        : {
            kind: 'error',
            text:
              'retryAfterSeconds' in sent
                ? `You can ask for another code in ${sent.retryAfterSeconds} seconds.`
                : 'A code was already sent.',
          };
    } else if (!sent.sent && 'retryAfterSeconds' in sent && !flash) {
      flash = {
        kind: 'notice',
        text: `Use the code sent earlier; you can ask for another in ${sent.retryAfterSeconds} seconds.`,
      };
    }
  }
  if (provider === 'webauthn')
    webauthnOptions = JSON.stringify(
      await ctx.twoFactor.webauthnAuthenticationOptions(user, state.challenge),
    );
  const hidden = (csrf: string, p: ProviderId) => html`
    <input type="hidden" name="_csrf" value="${csrf}">
    <input type="hidden" name="challenge" value="${token}">
    <input type="hidden" name="provider" value="${p}">`;
  const body = (csrf: string): Html => html`
    <h1>Two-factor authentication</h1>
    <p class="muted">Signing in as <strong>${user.login}</strong> with ${PROVIDER_LABELS[provider].toLowerCase()}.</p>
    <form class="stack" method="post" action="/login/two-factor" id="two-factor-form" data-provider="${provider}">
      ${hidden(csrf, provider)}
      ${
        provider === 'webauthn'
          ? html`<input type="hidden" name="webauthn_response" id="webauthn-response" value="">
          <div id="webauthn-sign-in" data-options="${webauthnOptions ?? ''}"></div>
          <p>Insert or touch your security key, then choose the button.</p>
          <button type="button" id="use-security-key">Use security key</button>
          <noscript><p class="error">Security keys need JavaScript. Choose another method below.</p></noscript>`
          : html`<label>${provider === 'totp' ? 'Code from your authenticator app' : provider === 'email' ? 'Code from the email we sent (valid 10 minutes)' : 'Recovery code'}
            <input type="text" name="code" id="authcode" inputmode="numeric" autocomplete="one-time-code" autofocus required></label>
          <button type="submit" id="verify-code">Verify</button>`
      }
    </form>
    ${
      provider === 'email'
        ? html`<form method="post" action="/login/two-factor">${hidden(csrf, 'email')}<input type="hidden" name="resend" value="1"><button type="submit" class="secondary" id="resend-code">Resend code</button></form>`
        : ''
    }
    ${
      available.filter((p) => p !== provider).length > 0
        ? html`<h2>Other methods</h2>
        ${available.filter((p) => p !== provider).map((p) => html`<form class="inline" method="post" action="/login/two-factor">${hidden(csrf, p)}<button type="submit" class="secondary" data-switch="${p}">${PROVIDER_SWITCH_LABELS[p]}</button></form> `)}`
        : ''
    }`;
  return sendPage(
    ctx,
    request,
    reply,
    {
      title: 'Two-factor authentication',
      status: state.status ?? 200,
      flash,
      signedIn: state.signedIn,
      ...(provider === 'webauthn' ? { head: WEBAUTHN_HEAD } : {}),
    },
    body,
  );
}

export function registerTwoFactorSignIn(app: FastifyInstance, ctx: AppContext): void {
  app.post('/login/two-factor', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const signedIn = await sessionOf(ctx, request);
    // The page was rendered for a signed-out browser (sign-in) or inside a session (step-up).
    assertSameOrigin(ctx, request);
    const browserCookie = request.cookies[CSRF_COOKIE];
    const csrfOk =
      (browserCookie !== undefined &&
        csrfTokenMatches(csrfTokenForBrowser(ctx.keys, browserCookie), body._csrf)) ||
      (signedIn !== undefined &&
        csrfTokenMatches(csrfTokenForSession(ctx.keys, signedIn.session.id), body._csrf));
    if (!csrfOk)
      throw new HttpError(
        403,
        'latchkey_csrf_failed',
        'The form expired or did not come from this site. Reload the page and try again.',
      );

    const ip = clientIp(request);
    // Failed credentials from this address (forged or stale challenges count) are limited here too.
    const addressLimit = await ctx.limiters.credentialFailures.reserve(addressLimitKey(ip));
    if (!addressLimit.allowed) {
      reply.header('retry-after', String(addressLimit.retryAfterSeconds));
      throw new HttpError(
        429,
        'too_many_requests',
        `Too many failed attempts from your address. Try again in ${addressLimit.retryAfterSeconds} seconds.`,
      );
    }
    const token = str(body.challenge);
    const challenge = await ctx.twoFactor.findChallenge(token);
    const user = challenge ? await findUserById(ctx.db, challenge.userId) : undefined;
    const stale =
      !challenge ||
      !user ||
      user.disabled ||
      (challenge.purpose === 'reauth' && challenge.sessionId !== signedIn?.session.id);
    // A stale challenge is a failed credential for the per-address limit (it stays counted); a
    // wrong code is a second-factor failure, which has limits of its own (SPEC §6.4).
    if (!stale) await addressLimit.release();
    if (stale) {
      return sendPage(
        ctx,
        request,
        reply,
        {
          title: 'Sign in',
          status: 400,
          signedIn: undefined,
          flash: { kind: 'error', text: 'Your sign-in expired. Please sign in again.' },
        },
        (csrf) => html`
        <h1>Sign in</h1>
        <p><a href="/login">Sign in again</a></p>
        <input type="hidden" name="_csrf" value="${csrf}">`,
      );
    }
    const facts = await ctx.twoFactor.facts(user);
    const available = availableProviders(facts);
    const primary = primaryProvider(facts)!;
    const page = (provider: ProviderId, extra: Partial<PageState> = {}) =>
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
    if (provider === 'email' && str(body.resend) === '1') return page('email', { resend: true });
    const code = str(body.code);
    const assertion = str(body.webauthn_response);
    // Choosing a method (no code given) counts as nothing.
    if (code.trim() === '' && assertion === '') return page(provider);

    const attempt = await ctx.twoFactor.beginAttempt(user);
    if (!attempt.ok) {
      const wait = attempt.retryAfterSeconds;
      reply.header('retry-after', String(wait));
      return page(provider, {
        status: 429,
        flash: {
          kind: 'error',
          text: `Too many wrong codes. Wait ${wait} second${wait === 1 ? '' : 's'} before trying again.`,
        },
      });
    }
    let ok: boolean;
    let outcome: Awaited<ReturnType<typeof ctx.twoFactor.recordFailure>> | undefined;
    try {
      ok = await ctx.twoFactor.verify(user, provider, {
        code,
        webauthnResponse: assertion,
        challenge,
      });
      // Counted before the lock is released, so the next attempt sees this failure's wait.
      if (!ok) outcome = await ctx.twoFactor.recordFailure(user, ip);
    } finally {
      await ctx.twoFactor.endAttempt(user);
    }
    if (!ok && outcome) {
      await audit(ctx, request, 'two_factor.failure', user.id, {
        provider,
        purpose: challenge.purpose,
      });
      if (outcome.forcedReset) {
        await audit(ctx, request, 'password.forced_reset', user.id, {
          reason: 'second_factor_failures',
        });
        return sendPage(
          ctx,
          request,
          reply,
          {
            title: 'Sign in',
            status: 403,
            signedIn: undefined,
            flash: {
              kind: 'error',
              text: 'Too many failed attempts: the password of this account was reset and its owner was emailed. Contact an administrator.',
            },
          },
          () => html`<h1>Sign in</h1><p><a href="/login">Back to sign-in</a></p>`,
        );
      }
      return page(provider, {
        flash: {
          kind: 'error',
          text: `Invalid code. Wait ${outcome.waitSeconds} second${outcome.waitSeconds === 1 ? '' : 's'} before the next try.`,
        },
      });
    }
    if (!(await ctx.twoFactor.consumeChallenge(challenge))) {
      return sendPage(
        ctx,
        request,
        reply,
        {
          title: 'Sign in',
          status: 400,
          signedIn: undefined,
          flash: { kind: 'error', text: 'Your sign-in expired. Please sign in again.' },
        },
        () => html`<h1>Sign in</h1><p><a href="/login">Sign in again</a></p>`,
      );
    }
    await ctx.twoFactor.recordSuccess(user);
    await audit(ctx, request, 'two_factor.success', user.id, {
      provider,
      purpose: challenge.purpose,
    });
    if (challenge.purpose === 'reauth' && signedIn) {
      await markReauthenticated(ctx.db, signedIn.session.id, ctx.now(), provider);
      return reply.redirect(challenge.redirectTo || '/account', 303);
    }
    return completeSignIn(ctx, request, reply, user, {
      remember: challenge.remember,
      redirectTo: challenge.redirectTo,
      secondFactor: provider,
    });
  });
}
