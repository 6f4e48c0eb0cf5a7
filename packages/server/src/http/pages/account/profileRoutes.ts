import type { FastifyInstance } from 'fastify';
import { requestEmailChange } from '../../../account-links/index.js';
import { AccountError, updateUser } from '../../../accounts/index.js';
import { accountLinkDeps, linkOrigin } from '../../accountLinks.js';
import { reauthUrl, stepUpDue } from '../stepUp.js';
import { TwoFactorError } from '../../../two-factor/index.js';
import { assertFormCsrf } from '../../browserAuth.js';
import { clientIp } from '../../clientAddress.js';
import type { AppContext } from '../../../context.js';
import { toHttpError } from '../../errors.js';
import { accountErrorField } from '../fieldError.js';
import { formFields, formText } from '../formFields.js';
import { requireSignedIn } from '../render.js';
import { showAccountPage } from './accountPage.js';

/** How recent the sign-in must be to move the account's email address (SPEC §6.5). */
const EMAIL_CHANGE_REAUTH_MS = 10 * 60 * 1000;

/** The profile form, and verifying the email address with a code mailed to it (SPEC §6.4). */
export function registerProfileRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/account/profile', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const body = formFields(request);
    const email = formText(body.email).trim();
    const movesEmail = email !== '' && email.toLowerCase() !== signedIn.user.email.toLowerCase();
    // SPEC §6.5: the address is where a reset goes, so moving it needs a recent sign-in.
    if (movesEmail && stepUpDue(ctx, signedIn, EMAIL_CHANGE_REAUTH_MS))
      return reply.redirect(reauthUrl('/account#profile'), 303);
    try {
      await updateUser(ctx.db, signedIn.user, { displayName: formText(body.display_name) });
      // SPEC §12: the new address takes effect only once the link mailed to it is opened.
      if (movesEmail)
        await requestEmailChange(
          accountLinkDeps(ctx),
          signedIn.user,
          email,
          linkOrigin(request, signedIn.session.id),
        );
    } catch (error) {
      if (error instanceof AccountError) {
        // Beside its field when the refusal names one; otherwise at the top.
        const field = accountErrorField(error.code);
        const flash = field ? undefined : ({ kind: 'error', text: error.message } as const);
        return showAccountPage(ctx, request, reply, signedIn, flash, 400, {
          ...(field ? { profileError: { field, text: error.message } } : {}),
          profileValues: { displayName: formText(body.display_name), email },
        });
      }
      throw error;
    }
    return reply.redirect(`/account?done=${movesEmail ? 'email_change_sent' : 'profile'}`, 303);
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
