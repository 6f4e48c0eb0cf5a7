import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../context.js';
import { afterTwoFactorDisabled } from '../../twoFactorEffects.js';
import { listWebauthnCredentials } from '../../../two-factor/index.js';
import { html } from '../../html.js';
import { HttpError } from '../../errors.js';
import { sendConfirmStep } from '../confirmStep.js';
import { requireSignedIn } from '../render.js';
import { showTwoFactorPage } from './overviewPage.js';
import { changeActor, beginTwoFactorChange } from './twoFactorChange.js';
import { TWO_FACTOR_PAGE } from './twoFactorPaths.js';

/** Security keys: removing one; adding one is the site script's work over REST. */
export function registerSecurityKeys(app: FastifyInstance, ctx: AppContext): void {
  // Registering is done by the site script over REST; a browser without JavaScript lands here.
  app.post(`${TWO_FACTOR_PAGE}/webauthn`, async (request, reply) => {
    const signedIn = await beginTwoFactorChange(ctx, request, reply);
    if (!signedIn) return reply;
    return showTwoFactorPage(
      ctx,
      request,
      reply,
      signedIn,
      { kind: 'error', text: 'Adding a security key needs JavaScript in the browser.' },
      400,
    );
  });

  app.get<{ Params: { id: string } }>(
    `${TWO_FACTOR_PAGE}/webauthn/:id/remove`,
    async (request, reply) => {
      const signedIn = await requireSignedIn(ctx, request, reply);
      if (!signedIn) return reply;
      const key = (await listWebauthnCredentials(ctx.db, signedIn.user.id)).find(
        (k) => k.id === request.params.id,
      );
      if (!key)
        throw new HttpError(404, 'latchkey_security_key_not_found', 'Security key not found.');
      return sendConfirmStep(ctx, request, reply, signedIn, {
        question: `Remove the security key “${key.name}”?`,
        consequences: html`It can no longer be used to sign in. Your other sessions are signed out.`,
        action: `${TWO_FACTOR_PAGE}/webauthn/${encodeURIComponent(key.id)}/remove`,
        button: `Remove ${key.name}`,
        buttonId: 'confirm-remove-key',
        cancel: `${TWO_FACTOR_PAGE}#security-keys`,
      });
    },
  );

  app.post<{ Params: { id: string } }>(
    `${TWO_FACTOR_PAGE}/webauthn/:id/remove`,
    async (request, reply) => {
      const signedIn = await beginTwoFactorChange(ctx, request, reply);
      if (!signedIn) return reply;
      if (!(await ctx.twoFactor.webauthnRemove(signedIn.user, request.params.id)))
        return showTwoFactorPage(
          ctx,
          request,
          reply,
          signedIn,
          { kind: 'error', text: 'Security key not found.' },
          404,
        );
      await afterTwoFactorDisabled(ctx, changeActor(request, signedIn), signedIn.user, 'webauthn');
      return reply.redirect(`${TWO_FACTOR_PAGE}?done=key_removed`, 303);
    },
  );
}
