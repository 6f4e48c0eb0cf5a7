import type { FastifyInstance } from 'fastify';
import { AccountError, can, setUserDisabled, updateUser } from '../../../accounts/index.js';
import { endAllSessions } from '../../../sessions/index.js';
import { assertFormCsrf } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { html } from '../../html.js';
import { sendConfirmStep } from '../confirmStep.js';
import { formFields, formText } from '../formFields.js';
import { auditPageChange } from '../pageAudit.js';
import { requireUserCapability } from './requireUserCapability.js';
import { loadTargetUser, showUserPage } from './userPage.js';

/** Changing a user's role; disabling, enabling, and ending all of their sessions. */
export function registerUserActions(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: { id: string } }>('/admin/users/:id/role', async (request, reply) => {
    const signedIn = await requireUserCapability(ctx, request, reply, 'promote_users');
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const target = await loadTargetUser(ctx, request);
    if (
      !can(signedIn.user, { capability: 'promote_user', user: target }) ||
      !can(signedIn.user, { capability: 'edit_user', user: target })
    ) {
      throw new HttpError(
        403,
        'rest_cannot_edit_roles',
        'Sorry, you are not allowed to edit roles of this user.',
      );
    }
    const role = formText(formFields(request).role);
    try {
      await updateUser(ctx.db, target, { role });
    } catch (error) {
      if (error instanceof AccountError) {
        const flash = { kind: 'error', text: error.message } as const;
        return showUserPage(ctx, request, reply, signedIn, target, flash, 400);
      }
      throw error;
    }
    await auditPageChange(ctx, request, signedIn, 'user.role_changed', target, {
      from: target.role,
      to: role,
    });
    return reply.redirect(`/admin/users/${target.id}?done=role`, 303);
  });

  // The page's "Disable account…" leads here first: the step names the account and says what
  // disabling ends (SPEC §2: its sessions and its API access at once).
  app.get<{ Params: { id: string } }>('/admin/users/:id/disable', async (request, reply) => {
    const signedIn = await requireUserCapability(ctx, request, reply, 'edit_users');
    if (!signedIn) return reply;
    const target = await loadTargetUser(ctx, request);
    if (
      !can(signedIn.user, { capability: 'edit_user', user: target }) ||
      target.id === signedIn.user.id
    )
      throw new HttpError(403, 'rest_cannot_edit', 'Sorry, you are not allowed to edit this user.');
    return sendConfirmStep(ctx, request, reply, signedIn, {
      question: `Disable ${target.displayName} (${target.login})?`,
      consequences: html`${target.login} is signed out everywhere at once and cannot sign in; their application passwords stop working on the API until the account is enabled again. Nothing is deleted.`,
      action: `/admin/users/${target.id}/disable`,
      button: `Disable ${target.login}`,
      buttonId: 'confirm-disable',
      cancel: `/admin/users/${target.id}`,
    });
  });

  for (const action of ['disable', 'enable', 'end-sessions'] as const) {
    app.post<{ Params: { id: string } }>(`/admin/users/:id/${action}`, async (request, reply) => {
      const signedIn = await requireUserCapability(ctx, request, reply, 'edit_users');
      if (!signedIn) return reply;
      assertFormCsrf(ctx, request, signedIn);
      const target = await loadTargetUser(ctx, request);
      if (
        !can(signedIn.user, { capability: 'edit_user', user: target }) ||
        target.id === signedIn.user.id
      ) {
        throw new HttpError(
          403,
          'rest_cannot_edit',
          'Sorry, you are not allowed to edit this user.',
        );
      }
      try {
        if (action !== 'end-sessions') await setUserDisabled(ctx.db, target, action === 'disable');
      } catch (error) {
        if (error instanceof AccountError) {
          const flash = { kind: 'error', text: error.message } as const;
          return showUserPage(ctx, request, reply, signedIn, target, flash, 409);
        }
        throw error;
      }
      if (action === 'enable') {
        await auditPageChange(ctx, request, signedIn, 'user.enabled', target);
        return reply.redirect(`/admin/users/${target.id}?done=enabled`, 303);
      }
      const ended = await endAllSessions(ctx.db, target.id);
      if (action === 'disable')
        await auditPageChange(ctx, request, signedIn, 'user.disabled', target, {
          sessions_ended: ended,
        });
      else
        await auditPageChange(ctx, request, signedIn, 'session.ended', target, {
          reason: 'ended_by_administrator',
          count: ended,
        });
      return reply.redirect(
        `/admin/users/${target.id}?done=${action === 'disable' ? 'disabled' : 'sessions'}`,
        303,
      );
    });
  }
}
