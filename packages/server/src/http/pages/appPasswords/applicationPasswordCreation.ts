import type { FastifyInstance } from 'fastify';
import {
  CredentialLimitError,
  createApplicationPassword,
  parseCredentialLimits,
  sanitizeApplicationPasswordName,
} from '../../../app-passwords/index.js';
import { assertFormCsrf } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { html } from '../../html.js';
import { notifyApplicationPasswordCreated } from '../../notifications.js';
import { REAUTH_WINDOW_MS } from '../../rest/appPasswords.js';
import { formFields, formList, formText } from '../formFields.js';
import { ServiceError, listServices, parseServicesLimit } from '../../../services/index.js';
import { auditPageChange } from '../pageAudit.js';
import { sendPage } from '../render.js';
import { reauthUrl, stepUpDue } from '../stepUp.js';
import { applicationPasswordOwner } from './applicationPasswordOwner.js';

/** Creating one from the owner's page; the new password is shown once, in the response. */
export function registerApplicationPasswordCreation(
  app: FastifyInstance,
  ctx: AppContext,
  prefix: string,
): void {
  app.post(`${prefix}/application-passwords`, async (request, reply) => {
    const c = await applicationPasswordOwner(ctx, request, reply, 'create_app_password');
    if (!c) return reply;
    assertFormCsrf(ctx, request, c.signedIn);
    if (stepUpDue(ctx, c.signedIn, REAUTH_WINDOW_MS))
      return reply.redirect(reauthUrl(`${c.back}#application-passwords`), 303);
    const form = formFields(request);
    const name = sanitizeApplicationPasswordName(formText(form.name));
    if (name === '')
      throw new HttpError(
        400,
        'application_password_empty_name',
        'An application name is required to create an application password.',
      );
    let limits;
    try {
      limits = parseCredentialLimits(
        { scope: form.scope, roleCeiling: form.role_ceiling, expires: form.expires },
        c.owner.role,
        ctx.now(),
      );
    } catch (error) {
      if (error instanceof CredentialLimitError)
        throw new HttpError(400, 'rest_invalid_param', error.detail);
      throw error;
    }
    let services: string[];
    try {
      const registered = (await listServices(ctx.db)).map((s) => s.slug);
      services = parseServicesLimit(formList(form.services), registered);
    } catch (error) {
      if (error instanceof ServiceError)
        throw new HttpError(400, 'rest_invalid_param', error.detail);
      throw error;
    }
    const created = await createApplicationPassword(
      ctx.db,
      { userId: c.owner.id, name, ...limits, services },
      ctx.now(),
    );
    await auditPageChange(ctx, request, c.signedIn, 'app_password.created', c.owner, {
      uuid: created.record.uuid,
      name,
    });
    await notifyApplicationPasswordCreated(ctx, request, c.owner, created.record);
    // Shown in this response only: never in a URL, never stored.
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'New application password', signedIn: c.signedIn },
      () => html`
        <h1>New application password</h1>
        <p>The application password <strong>${name}</strong> was created for ${c.owner.login}.</p>
        <p class="error" role="alert"><strong>Copy it now: it will not be shown again.</strong> Spaces are optional when you type it.</p>
        <p><code id="new-application-password" class="secret">${created.chunked}</code>
          <button type="button" class="secondary" data-copy-target="new-application-password" id="copy-application-password">Copy</button>
          <span class="muted" data-copy-status="new-application-password" aria-live="polite"></span></p>
        <p>Use it with the username <code>${c.owner.login}</code> in the program’s settings (HTTP Basic on the REST API, or as the password in XML-RPC clients).</p>
        <p><a href="${c.back}#application-passwords">Done</a></p>`,
    );
  });
}
