import type { FastifyInstance } from 'fastify';
import { AccountError, updateUser } from '../../../accounts/index.js';
import { TwoFactorError } from '../../../two-factor/index.js';
import { assertFormCsrf } from '../../browserAuth.js';
import { clientIp } from '../../clientAddress.js';
import type { AppContext } from '../../../context.js';
import { toHttpError } from '../../errors.js';
import { formFields, formText } from '../formFields.js';
import { requireSignedIn } from '../render.js';
import { showAccountPage } from './accountPage.js';

/** The profile form, and verifying the email address with a code mailed to it (SPEC §6.4). */
export function registerProfileRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/account/profile', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const body = formFields(request);
    try {
      await updateUser(ctx.db, signedIn.user, {
        displayName: formText(body.display_name),
        email: formText(body.email),
      });
    } catch (error) {
      if (error instanceof AccountError)
        return showAccountPage(
          ctx,
          request,
          reply,
          signedIn,
          { kind: 'error', text: error.message },
          400,
        );
      throw error;
    }
    return reply.redirect('/account?done=profile', 303);
  });

  app.post('/account/email/send-code', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    try {
      await ctx.twoFactor.sendProofCode(signedIn.user, clientIp(request));
    } catch (error) {
      if (!(error instanceof TwoFactorError)) throw error;
      const http = toHttpError(error)!;
      for (const [k, v] of Object.entries(http.headers)) reply.header(k, v);
      const flash = { kind: 'error', text: error.message } as const;
      return showAccountPage(ctx, request, reply, signedIn, flash, http.status);
    }
    return reply.redirect('/account?done=email_code_sent#email-verification', 303);
  });

  app.post('/account/email/verify', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    try {
      await ctx.twoFactor.confirmProofCode(signedIn.user, formFields(request).code, false);
    } catch (error) {
      if (!(error instanceof TwoFactorError)) throw error;
      const flash = { kind: 'error', text: error.message } as const;
      return showAccountPage(ctx, request, reply, signedIn, flash, 400);
    }
    return reply.redirect('/account?done=email_verified', 303);
  });
}
