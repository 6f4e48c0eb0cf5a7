import type { FastifyInstance } from 'fastify';
import { recordAuditEvent } from '../../audit/index.js';
import {
  csrfTokenForSession,
  endSession,
  safeRedirectTarget,
  signInWithPassword,
} from '../../sessions/index.js';
import { addressLimitKey, clientIp } from '../clientAddress.js';
import { assertFormCsrf, clearSessionCookie, sessionOf } from '../browserAuth.js';
import type { AppContext } from '../../context.js';
import { html } from '../html.js';
import { noticeFor, sendPage } from './render.js';
import { afterPasswordStep } from './twoFactorSignIn.js';

const SIGN_IN_NOTICES = {
  loggedout: 'You are now signed out.',
  password_changed: 'Your password was changed. Sign in with the new one.',
};

interface SignInForm {
  log?: unknown;
  pwd?: unknown;
  rememberme?: unknown;
  redirect_to?: unknown;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function registerSignInPages(app: FastifyInstance, ctx: AppContext): void {
  const form = (csrf: string, values: { log: string; redirectTo: string; remember: boolean }) =>
    html` <h1>Sign in</h1>
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
      </form>`;

  app.get('/login', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const redirectTo = safeRedirectTarget(query.redirect_to, ctx.config.siteUrl, '');
    const signedIn = await sessionOf(ctx, request);
    if (signedIn && query.reauth === undefined)
      return reply.redirect(redirectTo || '/account', 302);
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'Sign in', flash: noticeFor(query.notice, SIGN_IN_NOTICES), signedIn: undefined },
      (csrf) => form(csrf, { log: '', redirectTo, remember: false }),
    );
  });

  app.post('/login', async (request, reply) => {
    assertFormCsrf(ctx, request, undefined);
    const body = (request.body ?? {}) as SignInForm;
    const log = str(body.log).slice(0, 254);
    const pwd = str(body.pwd);
    const remember = str(body.rememberme) !== '';
    const redirectTo = safeRedirectTarget(body.redirect_to, ctx.config.siteUrl, '');
    const again = (status: number, text: string, headers: Record<string, string> = {}) => {
      for (const [k, v] of Object.entries(headers)) reply.header(k, v);
      return sendPage(
        ctx,
        request,
        reply,
        { title: 'Sign in', status, flash: { kind: 'error', text }, signedIn: undefined },
        (csrf) => form(csrf, { log, redirectTo, remember }),
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
      userAgent: str(request.headers['user-agent']),
      now: ctx.now(),
    });
    ctx.metrics.signIns.inc({ outcome: result.ok ? 'success' : result.reason });
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

  app.get('/logout', async (request, reply) => {
    const signedIn = await sessionOf(ctx, request);
    if (!signedIn) return reply.redirect('/login', 302);
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'Sign out', signedIn },
      (csrf) =>
        html` <h1>Sign out</h1>
          <form method="post" action="/logout">
            <input type="hidden" name="_csrf" value="${csrf}" /><button type="submit">
              Sign out now
            </button>
          </form>`,
    );
  });

  app.post('/logout', async (request, reply) => {
    const signedIn = await sessionOf(ctx, request);
    assertFormCsrf(ctx, request, signedIn);
    if (signedIn) {
      await endSession(ctx.db, signedIn.user.id, signedIn.session.id);
      await recordAuditEvent(
        ctx.db,
        {
          event: 'session.ended',
          userId: signedIn.user.id,
          ip: clientIp(request),
          userAgent: str(request.headers['user-agent']),
          credential: `session:${signedIn.session.id}`,
          details: { reason: 'logout' },
        },
        ctx.now(),
      );
    }
    clearSessionCookie(ctx, request, reply);
    return reply.redirect('/login?notice=loggedout', 302);
  });

  // WordPress clients and habits: the old sign-in address keeps working.
  app.all('/wp-login.php', async (request, reply) => {
    const q = request.url.indexOf('?');
    return reply.redirect(`/login${q >= 0 ? request.url.slice(q) : ''}`, 302);
  });

  // The REST nonce for a signed-in browser (WordPress: admin-ajax.php?action=rest-nonce).
  app.get('/wp-admin/admin-ajax.php', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const signedIn = await sessionOf(ctx, request);
    reply
      .header('content-type', 'text/html; charset=UTF-8')
      .header('cache-control', 'no-cache, must-revalidate, max-age=0');
    if (query.action !== 'rest-nonce' || !signedIn) return reply.code(400).send('0');
    return reply.send(csrfTokenForSession(ctx.keys, signedIn.session.id));
  });
}
