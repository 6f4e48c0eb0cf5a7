import type { FastifyInstance } from 'fastify';
import {
  deleteAllApplicationPasswords,
  deleteApplicationPassword,
  findApplicationPassword,
  listApplicationPasswords,
} from '../../../app-passwords/index.js';
import { assertFormCsrf } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { html } from '../../html.js';
import { sendConfirmStep } from '../confirmStep.js';
import { formFields, formText } from '../formFields.js';
import { formatTime } from '../render.js';
import { auditPageChange } from '../pageAudit.js';
import { applicationPasswordOwner } from './applicationPasswordOwner.js';

/**
 * Revoking one application password (after a page that names it and asks), or (with the box
 * ticked) all of the owner's.
 */
export function registerApplicationPasswordRevoking(
  app: FastifyInstance,
  ctx: AppContext,
  prefix: string,
): void {
  app.get(`${prefix}/application-passwords/:uuid/revoke`, async (request, reply) => {
    const c = await applicationPasswordOwner(ctx, request, reply, 'delete_app_password');
    if (!c) return reply;
    const record = await findApplicationPassword(
      ctx.db,
      c.owner.id,
      (request.params as { uuid: string }).uuid,
    );
    if (!record)
      throw new HttpError(
        404,
        'rest_application_password_not_found',
        'The application password was not found.',
      );
    const used = ctx.lastUsed.overlay(record).lastUsed;
    return sendConfirmStep(ctx, request, reply, c.signedIn, {
      question: `Revoke “${record.name}”?`,
      consequences: html`Any program signing in with it stops working at its next request, and it cannot be brought back: the program would need a new application password. It was created ${formatTime(record.created)} and ${used === null ? 'has never been used' : html`last used ${formatTime(used)}`}.`,
      action: `${c.base}/${record.uuid}/revoke`,
      button: `Revoke ${record.name}`,
      buttonId: 'confirm-revoke',
      cancel: `${c.back}#application-passwords`,
    });
  });

  app.post(`${prefix}/application-passwords/:uuid/revoke`, async (request, reply) => {
    const c = await applicationPasswordOwner(ctx, request, reply, 'delete_app_password');
    if (!c) return reply;
    assertFormCsrf(ctx, request, c.signedIn);
    const record = await findApplicationPassword(
      ctx.db,
      c.owner.id,
      (request.params as { uuid: string }).uuid,
    );
    if (record) {
      await deleteApplicationPassword(ctx.db, record, ctx.now());
      ctx.lastUsed.forget(record.uuid);
      await auditPageChange(ctx, request, c.signedIn, 'app_password.revoked', c.owner, {
        uuid: record.uuid,
        name: record.name,
      });
    }
    // The notice names the password from the audit record written above, never from the URL.
    return reply.redirect(
      `${c.back}?done=app_password_revoked${record ? `&revoked=${record.uuid}` : ''}#application-passwords`,
      303,
    );
  });

  app.post(`${prefix}/application-passwords/revoke-all`, async (request, reply) => {
    const c = await applicationPasswordOwner(ctx, request, reply, 'delete_app_passwords');
    if (!c) return reply;
    assertFormCsrf(ctx, request, c.signedIn);
    if (formText(formFields(request).confirm) !== 'yes') {
      throw new HttpError(
        400,
        'latchkey_confirmation_required',
        'Tick the box to confirm that every application password should be revoked.',
      );
    }
    const records = await listApplicationPasswords(ctx.db, c.owner.id);
    const count = await deleteAllApplicationPasswords(ctx.db, c.owner.id, ctx.now());
    for (const r of records) ctx.lastUsed.forget(r.uuid);
    await auditPageChange(ctx, request, c.signedIn, 'app_password.revoked', c.owner, {
      all: true,
      count,
    });
    return reply.redirect(`${c.back}?done=app_passwords_revoked`, 303);
  });
}
