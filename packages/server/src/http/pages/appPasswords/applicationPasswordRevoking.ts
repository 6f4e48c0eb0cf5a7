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
import { formFields, formText } from '../formFields.js';
import { auditPageChange } from '../pageAudit.js';
import { applicationPasswordOwner } from './applicationPasswordOwner.js';

/** Revoking one application password, or (with the box ticked) all of the owner's. */
export function registerApplicationPasswordRevoking(
  app: FastifyInstance,
  ctx: AppContext,
  prefix: string,
): void {
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
      await deleteApplicationPassword(ctx.db, record);
      ctx.lastUsed.forget(record.uuid);
      await auditPageChange(ctx, request, c.signedIn, 'app_password.revoked', c.owner, {
        uuid: record.uuid,
        name: record.name,
      });
    }
    return reply.redirect(`${c.back}?done=app_password_revoked`, 303);
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
    const count = await deleteAllApplicationPasswords(ctx.db, c.owner.id);
    for (const r of records) ctx.lastUsed.forget(r.uuid);
    await auditPageChange(ctx, request, c.signedIn, 'app_password.revoked', c.owner, {
      all: true,
      count,
    });
    return reply.redirect(`${c.back}?done=app_passwords_revoked`, 303);
  });
}
