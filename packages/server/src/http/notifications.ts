import type { FastifyRequest } from 'fastify';
import type { User } from '../accounts/index.js';
import type { ApplicationPassword } from '../app-passwords/index.js';
import { applicationPasswordCreated } from '../mail/index.js';
import { readSettings } from '../settings/index.js';
import { clientIp } from './clientAddress.js';
import type { AppContext } from './context.js';

/**
 * Tells the owner that a credential was created for their account (a stolen session could
 * otherwise mint a lasting credential unseen). Sent in the background: a slow mail server never
 * delays the response, and the mailer waits for pending messages at shutdown.
 */
export async function notifyApplicationPasswordCreated(
  ctx: AppContext,
  request: FastifyRequest,
  owner: User,
  record: ApplicationPassword,
): Promise<void> {
  const settings = await readSettings(ctx.db);
  const content = applicationPasswordCreated({
    siteName: settings.title,
    siteUrl: ctx.config.siteUrl,
    userLogin: owner.login,
    passwordName: record.name,
    appId: record.appId,
    ip: clientIp(request),
    userAgent: request.headers['user-agent'],
    createdAt: new Date(record.created),
    revokeUrl: `${ctx.config.siteUrl}/account#application-passwords`,
  });
  ctx.mailer
    .send({ to: owner.email, ...content })
    .catch((err: unknown) =>
      ctx.logger.warn(
        { err, user: owner.id },
        'could not send the new-application-password notice',
      ),
    );
}
