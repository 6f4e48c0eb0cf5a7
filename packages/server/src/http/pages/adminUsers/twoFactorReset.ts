import { clientIp } from '../../clientAddress.js';
import { noticeDeps, sendSecurityNotice } from '../../../notices/index.js';
import type { FastifyInstance } from 'fastify';
import { can } from '../../../accounts/index.js';
import { endAllSessions } from '../../../sessions/index.js';
import { STEP_UP_WINDOW_MS } from '../../../two-factor/index.js';
import { assertFormCsrf } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { formFields, formText } from '../formFields.js';
import { auditPageChange } from '../pageAudit.js';
import { reauthUrl, stepUpDue } from '../stepUp.js';
import { requireUserCapability } from './requireUserCapability.js';
import { loadTargetUser, showUserPage } from './userPage.js';

/**
 * An administrator resets a locked-out user's second factors (SPEC §6.3): all of them go,
 * and so do the user's sessions.
 */
export function registerTwoFactorReset(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: { id: string } }>(
    '/admin/users/:id/two-factor/reset',
    async (request, reply) => {
      const signedIn = await requireUserCapability(ctx, request, reply, 'edit_users');
      if (!signedIn) return reply;
      assertFormCsrf(ctx, request, signedIn);
      const target = await loadTargetUser(ctx, request);
      if (!can(signedIn.user, { capability: 'edit_user', user: target }))
        throw new HttpError(403, 'rest_forbidden', 'Sorry, you are not allowed to do that.');
      const back = `/admin/users/${target.id}#two-factor`;
      if (stepUpDue(ctx, signedIn, STEP_UP_WINDOW_MS)) return reply.redirect(reauthUrl(back), 303);
      if (formText(formFields(request).confirm) === '') {
        const flash = { kind: 'error', text: 'Tick the box to confirm the reset.' } as const;
        return showUserPage(ctx, request, reply, signedIn, target, flash, 400);
      }
      const before = await ctx.twoFactor.status(target);
      await ctx.twoFactor.reset(target);
      const ended = await endAllSessions(ctx.db, target.id);
      await auditPageChange(ctx, request, signedIn, 'two_factor.reset', target, {
        providers: before.enabled,
        sessions_ended: ended,
      });
      sendSecurityNotice(
        noticeDeps(ctx),
        target,
        { kind: 'factor_removed', method: 'Every method (a reset)', byAdministrator: true },
        { ip: clientIp(request) },
      );
      return reply.redirect(`/admin/users/${target.id}?done=two_factor_reset`, 303);
    },
  );
}
