import type { FastifyInstance } from 'fastify';
import type { ProviderId } from '../../../two-factor/index.js';
import type { AppContext } from '../../../context.js';
import { afterTwoFactorDisabled } from '../../twoFactorEffects.js';
import { html } from '../../html.js';
import { sendConfirmStep } from '../confirmStep.js';
import { requireSignedIn } from '../render.js';
import { showTwoFactorPage } from './overviewPage.js';
import { changeActor, beginTwoFactorChange, twoFactorRefusal } from './twoFactorChange.js';
import type { TwoFactorNotice } from './twoFactorNotices.js';
import { TWO_FACTOR_PAGE } from './twoFactorPaths.js';

const PROVIDER_NOTICE: Record<ProviderId, TwoFactorNotice> = {
  totp: 'totp_disabled',
  email: 'email_disabled',
  backup_codes: 'backup_codes_disabled',
  webauthn: 'key_removed',
};

/** The method as the confirmation step names it. */
const METHOD_NAMES = {
  totp: 'the authenticator app',
  email: 'email codes',
  backup_codes: 'recovery codes',
} as const;

/** Switching off the authenticator app, email codes or recovery codes. */
export function registerMethodDisabling(app: FastifyInstance, ctx: AppContext): void {
  for (const [path, provider] of [
    ['totp', 'totp'],
    ['email', 'email'],
    ['backup-codes', 'backup_codes'],
  ] as const) {
    app.get(`${TWO_FACTOR_PAGE}/${path}/disable`, async (request, reply) => {
      const signedIn = await requireSignedIn(ctx, request, reply);
      if (!signedIn) return reply;
      const label = METHOD_NAMES[provider];
      return sendConfirmStep(ctx, request, reply, signedIn, {
        question: `Disable ${label}?`,
        consequences: html`Signing in will no longer offer ${label}${provider === 'backup_codes' ? ', and every remaining code stops working' : ''}. Your other sessions are signed out.`,
        action: `${TWO_FACTOR_PAGE}/${path}/disable`,
        button: `Disable ${label.replace(/^the /, '')}`,
        buttonId: `confirm-disable-${path}`,
        cancel: `${TWO_FACTOR_PAGE}#${provider === 'backup_codes' ? 'backup-codes' : path}`,
      });
    });

    app.post(`${TWO_FACTOR_PAGE}/${path}/disable`, async (request, reply) => {
      const signedIn = await beginTwoFactorChange(ctx, request, reply);
      if (!signedIn) return reply;
      try {
        await ctx.twoFactor.disable(signedIn.user, provider);
      } catch (error) {
        const r = twoFactorRefusal(reply, error);
        return showTwoFactorPage(ctx, request, reply, signedIn, r.flash, r.status);
      }
      await afterTwoFactorDisabled(ctx, changeActor(request, signedIn), signedIn.user, provider);
      return reply.redirect(`${TWO_FACTOR_PAGE}?done=${PROVIDER_NOTICE[provider]}`, 303);
    });
  }
}
