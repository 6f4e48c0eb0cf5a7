import type { FastifyInstance } from 'fastify';
import { safeRedirectTarget, signInWithPassword } from '../../../sessions/index.js';
import { readSettings } from '../../../settings/index.js';
import { addressLimitKey, clientIp } from '../../clientAddress.js';
import { assertFormCsrf, sessionOf } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { html, type Html } from '../../html.js';
import { formText } from '../formFields.js';
import { noticeFor, sendPage } from '../render.js';
import { afterPasswordStep } from './signInSteps.js';
import { serviceUrlCheck } from '../../forwardAuth/serviceRedirects.js';
import { sanitizeApplicationPasswordName } from '../../../app-passwords/index.js';
import { AUTHORIZE_PATHS } from '../authorizeApp/index.js';

const SIGN_IN_NOTICES = {
  loggedout: 'You are now signed out.',
  password_changed: 'Your password was changed. Sign in with the new one.',
  password_reset:
    'Your password was reset and every session was signed out. Sign in with the new one.',
  password_set: 'Your password is set. Sign in with it.',
};

interface SignInForm {
  log?: unknown;
  pwd?: unknown;
  rememberme?: unknown;
  redirect_to?: unknown;
}

/** `/login`: the password step of signing in (the second factor follows on its own page). */
export function registerPasswordSignIn(app: FastifyInstance, ctx: AppContext): void {
  app.get('/login', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const redirectTo = safeRedirectTarget(
      query.redirect_to,
      ctx.config.siteUrl,
      '',
      await serviceUrlCheck(ctx),
    );
    const signedIn = await sessionOf(ctx, request);
    if (signedIn && query.reauth === undefined)
      return reply.redirect(redirectTo || '/account', 302);
    const canRegister = (await readSettings(ctx.db)).usersCanRegister;
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'Sign in', flash: noticeFor(query.notice, SIGN_IN_NOTICES), signedIn: undefined },
      (csrf) => signInForm(csrf, { log: '', redirectTo, remember: false, canRegister }),
    );
  });

  app.post('/login', async (request, reply) => {
    assertFormCsrf(ctx, request, undefined);
    const body = (request.body ?? {}) as SignInForm;
    const log = formText(body.log).slice(0, 254);
    const pwd = formText(body.pwd);
    const remember = formText(body.rememberme) !== '';
    const redirectTo = safeRedirectTarget(
      body.redirect_to,
      ctx.config.siteUrl,
      '',
      await serviceUrlCheck(ctx),
    );
    const again = async (status: number, text: string, headers: Record<string, string> = {}) => {
      for (const [k, v] of Object.entries(headers)) reply.header(k, v);
      const canRegister = (await readSettings(ctx.db)).usersCanRegister;
      return sendPage(
        ctx,
        request,
        reply,
        { title: 'Sign in', status, flash: { kind: 'error', text }, signedIn: undefined },
        (csrf) => signInForm(csrf, { log, redirectTo, remember, canRegister }),
      );
    };
    if (log === '' || pwd === '')
      return again(400, 'Enter your username or email and your password.');

    const result = await signInWithPassword(ctx, {
      log,
      pwd,
      remember,
      ip: clientIp(request),
      addressKey: addressLimitKey(clientIp(request)),
      userAgent: formText(request.headers['user-agent']),
      now: ctx.now(),
    });
    ctx.metrics.signIns.inc({ outcome: result.ok ? 'success' : result.reason });
    if (!result.ok && result.reason === 'throttled')
      ctx.metrics.rateLimitRefusals.inc({ limit: 'sign_in' });
    if (!result.ok) {
      if (result.reason === 'throttled') {
        const s = result.retryAfterSeconds;
        return again(
          429,
          `Too many failed sign-in attempts. Try again in ${s} second${s === 1 ? '' : 's'}.`,
          { 'retry-after': String(s) },
        );
      }
      if (result.reason === 'disabled')
        return again(403, 'This account is disabled. Contact an administrator.');
      return again(200, 'Unknown username or email, or wrong password.');
    }
    return afterPasswordStep(ctx, request, reply, result.user, {
      purpose: 'login',
      remember,
      redirectTo,
    });
  });
}

/**
 * When sign-in leads on to the authorize screen: the app's name as it claims it (sanitized like
 * the password's name), '' for an unnamed one; undefined for any other destination.
 */
function waitingApplication(redirectTo: string): string | undefined {
  if (!redirectTo) return undefined;
  const url = new URL(redirectTo, 'http://site.invalid');
  if (!AUTHORIZE_PATHS.includes(url.pathname)) return undefined;
  return sanitizeApplicationPasswordName(url.searchParams.get('app_name') ?? '');
}

function signInForm(
  csrf: string,
  values: { log: string; redirectTo: string; remember: boolean; canRegister: boolean },
): Html {
  const waiting = waitingApplication(values.redirectTo);
  return html` <h1>Sign in</h1>
      ${
        waiting !== undefined
          ? html`<p class="notice" id="waiting-application">${waiting ? html`<strong>${waiting}</strong>` : 'An application'} is waiting to connect to your account. Sign in, and you will be asked to approve or deny it.</p>`
          : ''
      }
      <form class="stack" method="post" action="/login" id="loginform">
        <input type="hidden" name="_csrf" value="${csrf}" />
        <input type="hidden" name="redirect_to" value="${values.redirectTo}" />
        <label
          >Username or email
          <input
            type="text"
            name="log"
            id="user_login"
            autocomplete="username"
            value="${values.log}"
            required
            autofocus
        /></label>
        <label
          >Password
          <input type="password" name="pwd" id="user_pass" autocomplete="current-password" required
        /></label>
        <label class="check"
          ><input
            type="checkbox"
            name="rememberme"
            value="forever"
            ${values.remember ? html`checked` : ''}
          />
          Remember me for 14 days</label
        >
        <button type="submit" name="wp-submit">Sign in</button>
      </form>
      <p id="nav">
        <a href="/login/lost-password" id="lost-password">Lost your password?</a>
        ${values.canRegister ? html` · <a href="/register" id="register">Register</a>` : ''}
      </p>`;
}
