import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setSessionCookie, type SignedIn } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { html, raw } from '../../html.js';
import type { PageChrome } from '../../layout.js';
import { afterTwoFactorEnabled } from '../../twoFactorEffects.js';
import { formFields } from '../formFields.js';
import { sendPage } from '../render.js';
import { csrfField } from './csrfField.js';
import { showTwoFactorPage } from './overviewPage.js';
import { changeActor, beginTwoFactorChange, twoFactorRefusal } from './twoFactorChange.js';
import { enabledNotice } from './twoFactorNotices.js';
import { TWO_FACTOR_PAGE } from './twoFactorPaths.js';

/** Setting up an authenticator app: the key (as a QR code and as text), then one code. */
export function registerTotpSetup(app: FastifyInstance, ctx: AppContext): void {
  app.post(`${TWO_FACTOR_PAGE}/totp`, async (request, reply) => {
    const signedIn = await beginTwoFactorChange(ctx, request, reply);
    if (!signedIn) return reply;
    const setup = await ctx.twoFactor.beginTotpSetup(signedIn.user, signedIn.session.id);
    return totpSetupPage(ctx, request, reply, signedIn, setup);
  });

  app.post(`${TWO_FACTOR_PAGE}/totp/confirm`, async (request, reply) => {
    const signedIn = await beginTwoFactorChange(ctx, request, reply);
    if (!signedIn) return reply;
    const tf = ctx.twoFactor;
    try {
      await tf.confirmTotp(signedIn.user, signedIn.session.id, formFields(request).code);
    } catch (error) {
      const r = twoFactorRefusal(reply, error);
      const pending = await tf.pendingTotpSetup(signedIn.user, signedIn.session.id);
      return pending
        ? totpSetupPage(ctx, request, reply, signedIn, pending, r.flash, r.status)
        : showTwoFactorPage(ctx, request, reply, signedIn, r.flash, r.status);
    }
    const token = await afterTwoFactorEnabled(
      ctx,
      changeActor(request, signedIn),
      signedIn.user,
      'totp',
    );
    if (token) setSessionCookie(ctx, request, reply, token, signedIn.session.remember);
    return reply.redirect(
      `${TWO_FACTOR_PAGE}?done=${enabledNotice(signedIn, 'totp_enabled')}`,
      303,
    );
  });
}

/** The secret as authenticator apps show it: groups of four. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

// The QR code's SVG is drawn by the qrcode library from our own otpauth URI: markup we made,
// never user data, so it is output raw.
function totpSetupPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: SignedIn,
  setup: { secret: string; otpauth_uri: string; qr_svg: string },
  flash?: PageChrome['flash'],
  status = 200,
): Promise<FastifyReply> {
  return sendPage(
    ctx,
    request,
    reply,
    { title: 'Set up an authenticator app', status, flash, signedIn },
    (csrf) => html`
    <h1>Set up an authenticator app</h1>
    <p>1. In your authenticator app, add an account and scan this code:</p>
    <div class="qr" id="totp-qr" role="img" aria-label="QR code of the authenticator key">${raw(setup.qr_svg)}</div>
    <p>2. Or, if you cannot scan it, type this key (time-based, 6 digits, every 30 seconds):</p>
    <p class="actions"><code class="secret" id="totp-secret">${grouped(setup.secret)}</code>
      <button type="button" class="secondary" data-copy-target="totp-secret" id="copy-totp-secret">Copy</button>
      <span class="muted" data-copy-status="totp-secret" aria-live="polite"></span></p>
    <p class="muted">On this device: <a href="${setup.otpauth_uri}" id="totp-uri">open it in an authenticator app</a>.</p>
    <p>3. Enter the code the app shows now:</p>
    <form class="stack" method="post" action="${TWO_FACTOR_PAGE}/totp/confirm" id="confirm-totp-form">${csrfField(csrf)}
      <label>Six-digit code <input type="text" name="code" id="totp-code" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required autofocus></label>
      <button type="submit" id="confirm-totp">Verify and enable</button>
    </form>
    <p><a href="${TWO_FACTOR_PAGE}">Cancel</a></p>`,
  );
}
