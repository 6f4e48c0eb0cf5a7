import type { FastifyReply, FastifyRequest } from 'fastify';
import { createApplicationPassword, type CredentialLimits } from '../../../app-passwords/index.js';
import {
  approveDestination,
  issueAuthorizeCode,
  type AuthorizeRequest,
} from '../../../authorize-app/index.js';
import type { SignedIn } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { html, type Html } from '../../html.js';
import { notifyApplicationPasswordCreated } from '../../notifications.js';
import { auditPageChange } from '../pageAudit.js';
import { sendPage } from '../render.js';

/**
 * Approved: the application password is created (audited, its owner mailed) and handed to the
 * app at success_url, as itself or as a one-time code; without a success_url it is shown.
 */
export async function handOverApplicationPassword(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: SignedIn,
  authorize: AuthorizeRequest,
  granted: { name: string; limits: CredentialLimits; services?: string[] },
): Promise<FastifyReply> {
  const { name, limits } = granted;
  const services = granted.services ?? [];
  const owner = signedIn.user;
  const created = await createApplicationPassword(
    ctx.db,
    {
      userId: owner.id,
      name,
      appId: authorize.appId,
      scope: limits.scope,
      expires: limits.expires,
      services,
    },
    ctx.now(),
  );
  await auditPageChange(ctx, request, signedIn, 'app_password.created', owner, {
    uuid: created.record.uuid,
    name,
    app_id: authorize.appId,
    scope: limits.scope,
    ...(services.length > 0 ? { services } : {}),
    via: 'authorize_application',
  });
  await notifyApplicationPasswordCreated(ctx, request, owner, created.record);

  if (authorize.successUrl) {
    const secret =
      authorize.responseType === 'code'
        ? await issueAuthorizeCode(
            ctx.db,
            ctx.keys.codes,
            {
              userId: owner.id,
              appPasswordUuid: created.record.uuid,
              password: created.password,
              appId: authorize.appId,
              successUrl: authorize.successUrl,
              codeChallenge: authorize.codeChallenge,
            },
            ctx.now(),
          )
        : created.password;
    return reply.header('cache-control', 'no-store').redirect(
      approveDestination(authorize, {
        siteUrl: ctx.config.siteUrl,
        userLogin: owner.login,
        secret,
      }),
      302,
    );
  }
  // No success_url: shown in this response only, never in a URL, never stored.
  return sendPage(
    ctx,
    request,
    reply,
    { title: 'New application password', signedIn },
    (): Html => html`<h1>New application password</h1>
        <p>The application password <strong>${name}</strong> was created for ${owner.login}.</p>
        <p class="error" role="alert"><strong>Copy it now: it will not be shown again.</strong> Spaces are optional when you type it.</p>
        <p><code id="new-application-password" class="secret">${created.chunked}</code>
          <button type="button" class="secondary" data-copy-target="new-application-password" id="copy-application-password">Copy</button>
          <span class="muted" data-copy-status="new-application-password" aria-live="polite"></span></p>
        <p>Enter it with the username <code>${owner.login}</code> in the application.</p>
        <p><a href="/account#application-passwords">Done</a></p>`,
  );
}
