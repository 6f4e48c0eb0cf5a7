import type { FastifyInstance } from 'fastify';
import { verifyAccountPassword } from '../../../accounts/index.js';
import { safeRedirectTarget } from '../../../sessions/index.js';
import { assertFormCsrf } from '../../browserAuth.js';
import { addressLimitKey, clientIp } from '../../clientAddress.js';
import type { AppContext } from '../../../context.js';
import { html, type Html } from '../../html.js';
import { formFields, formText } from '../formFields.js';
import { requireSignedIn, sendPage } from '../render.js';
import { afterPasswordStep } from './signInSteps.js';
import { settleSignIn } from '../../../rate-limit/index.js';

/**
 * `/login/reauth`, the step-up: the password again (then, for two-factor users, the second
 * factor) before creating credentials or changing second factors.
 */
export function registerReauthPage(app: FastifyInstance, ctx: AppContext): void {
  app.get('/login/reauth', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    const redirectTo = safeRedirectTarget(
      (request.query as Record<string, unknown>).redirect_to,
      ctx.config.siteUrl,
      '/account',
    );
    return sendPage(ctx, request, reply, { title: 'Confirm your password', signedIn }, (csrf) =>
      reauthForm(csrf, redirectTo),
    );
  });

  app.post('/login/reauth', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const body = formFields(request);
    const redirectTo = safeRedirectTarget(body.redirect_to, ctx.config.siteUrl, '/account');
    const again = (status: number, text: string) =>
      sendPage(
        ctx,
        request,
        reply,
        { title: 'Confirm your password', status, signedIn, flash: { kind: 'error', text } },
        (csrf) => reauthForm(csrf, redirectTo),
      );
    const addressKey = addressLimitKey(clientIp(request));
    const accountKey = `user:${signedIn.user.id}`;
    const limit = await ctx.limiters.signIn.begin(accountKey, addressKey);
    if (!limit.allowed) {
      reply.header('retry-after', String(limit.retryAfterSeconds));
      return again(
        429,
        `Too many failed attempts. Try again in ${limit.retryAfterSeconds} seconds.`,
      );
    }
    const typed = formText(body.pwd);
    if (
      !(await settleSignIn(limit, () => verifyAccountPassword(signedIn.user.passwordHash, typed)))
    )
      return again(200, 'That password is not correct.');
    // Password, then (for two-factor users) the second factor, as at sign-in.
    return afterPasswordStep(ctx, request, reply, signedIn.user, {
      purpose: 'reauth',
      remember: false,
      redirectTo,
      signedIn,
    });
  });
}

function reauthForm(csrf: string, redirectTo: string): Html {
  return html`<h1>Confirm your password</h1>
    <p>For your security, enter your password again to continue.</p>
    <form class="stack" method="post" action="/login/reauth">
      <input type="hidden" name="_csrf" value="${csrf}">
      <input type="hidden" name="redirect_to" value="${redirectTo}">
      <label>Password <input type="password" name="pwd" id="reauth-password" autocomplete="current-password" required autofocus></label>
      <button type="submit">Confirm</button>
    </form>`;
}
