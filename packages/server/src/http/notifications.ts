import type { FastifyRequest } from 'fastify';
import type { User } from '../accounts/index.js';
import {
  mailApplicationPasswordCreated,
  type ApplicationPassword,
} from '../app-passwords/index.js';
import { clientIp } from './clientAddress.js';
import type { AppContext } from '../context.js';

/**
 * The creation notice for a request (REST, the account page, the authorize screen). Sent in the
 * background: a slow mail server never delays the response, and the mailer waits for pending
 * messages at shutdown.
 */
export async function notifyApplicationPasswordCreated(
  ctx: AppContext,
  request: FastifyRequest,
  owner: User,
  record: ApplicationPassword,
): Promise<void> {
  mailApplicationPasswordCreated(
    { db: ctx.db, mailer: ctx.mailer, siteUrl: ctx.config.siteUrl },
    owner,
    record,
    { ip: clientIp(request), userAgent: request.headers['user-agent'] },
  ).catch((err: unknown) =>
    ctx.logger.warn({ err, user: owner.id }, 'could not send the new-application-password notice'),
  );
}
