import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setSessionCookie, type SignedIn } from '../../browserAuth.js';
import { clientIp } from '../../clientAddress.js';
import type { AppContext } from '../../../context.js';
import { html } from '../../html.js';
import type { PageChrome } from '../../layout.js';
import { afterTwoFactorEnabled } from '../../twoFactorEffects.js';
import { formFields } from '../formFields.js';
import { sendPage } from '../render.js';
import { csrfField } from './csrfField.js';
import { changeActor, beginTwoFactorChange, twoFactorRefusal } from './twoFactorChange.js';
import { enabledNotice } from './twoFactorNotices.js';
import { TWO_FACTOR_PAGE } from './twoFactorPaths.js';

/** Enabling email codes: a code goes to the address, and entering it proves that mail arrives. */
export function registerEmailCodeSetup(app: FastifyInstance, ctx: AppContext): void {
  app.post(`${TWO_FACTOR_PAGE}/email`, async (request, reply) => {
    const signedIn = await beginTwoFactorChange(ctx, request, reply);
    if (!signedIn) return reply;
    try {
      await ctx.twoFactor.sendProofCode(signedIn.user, clientIp(request));
    } catch (error) {
      // Throttled: a code sent a moment ago is still good, so the form stays.
      const r = twoFactorRefusal(reply, error);
      return emailCodePage(ctx, request, reply, signedIn, r.flash, r.status);
    }
    return emailCodePage(ctx, request, reply, signedIn, {
      kind: 'notice',
      text: `We sent a code to ${signedIn.user.email}.`,
    });
  });

  app.post(`${TWO_FACTOR_PAGE}/email/confirm`, async (request, reply) => {
    const signedIn = await beginTwoFactorChange(ctx, request, reply);
    if (!signedIn) return reply;
    try {
      await ctx.twoFactor.confirmProofCode(signedIn.user, formFields(request).code, true);
    } catch (error) {
      const r = twoFactorRefusal(reply, error);
      return emailCodePage(ctx, request, reply, signedIn, r.flash, r.status);
    }
    const token = await afterTwoFactorEnabled(
      ctx,
      changeActor(request, signedIn),
      signedIn.user,
      'email',
    );
    if (token) setSessionCookie(ctx, request, reply, token, signedIn.session.remember);
    return reply.redirect(
      `${TWO_FACTOR_PAGE}?done=${enabledNotice(signedIn, 'email_enabled')}`,
      303,
    );
  });
}

function emailCodePage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: SignedIn,
  flash: PageChrome['flash'],
  status = 200,
): Promise<FastifyReply> {
  return sendPage(
    ctx,
    request,
    reply,
    { title: 'Enable email codes', status, flash, signedIn },
    (csrf) => html`
    <h1>Enable email codes</h1>
    <p>To check that mail reaches you, enter the eight-digit code sent to <strong>${signedIn.user.email}</strong>. It is valid for 10 minutes.</p>
    <form class="stack" method="post" action="${TWO_FACTOR_PAGE}/email/confirm" id="confirm-email-form">${csrfField(csrf)}
      <label>Code from the email <input type="text" name="code" id="email-code" inputmode="numeric" autocomplete="one-time-code" maxlength="20" required autofocus></label>
      <button type="submit" id="confirm-email">Verify and enable</button>
    </form>
    <form method="post" action="${TWO_FACTOR_PAGE}/email">${csrfField(csrf)}<button type="submit" class="secondary" id="resend-email-code">Send another code</button></form>
    <p><a href="${TWO_FACTOR_PAGE}">Cancel</a></p>`,
  );
}
