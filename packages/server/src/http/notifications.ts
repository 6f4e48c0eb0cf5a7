import type { FastifyRequest } from 'fastify';
import type { User } from '../accounts/index.js';
import {
  claimExpiringPasswords,
  mailApplicationPasswordCreated,
  type ApplicationPassword,
} from '../app-passwords/index.js';
import { plainMessage } from '../mail/index.js';
import { readSettings } from '../settings/index.js';
import { clientIp } from './clientAddress.js';
import type { AppContext } from './context.js';

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

/**
 * Tells owners, once per password, that an application password expires within a week, so the
 * programs using it can be given a new one in time. Run hourly; safe on several nodes.
 */
export async function notifyExpiringApplicationPasswords(ctx: AppContext): Promise<number> {
  const expiring = await claimExpiringPasswords(ctx.db, ctx.now());
  if (expiring.length === 0) return 0;
  const settings = await readSettings(ctx.db);
  for (const p of expiring) {
    const when = new Date(p.expires).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
    const content = plainMessage(
      `[${settings.title}] An application password expires soon`,
      `The application password "${p.name.replace(/[\r\n]+/g, ' ')}" of the account "${p.login}" on ${settings.title} stops working on ${when}.\n\n` +
        `If a program still needs it, create a new one and give it to the program:\n${ctx.config.siteUrl}/account#application-passwords\n`,
    );
    await ctx.mailer
      .send({ to: p.email, ...content })
      .catch((err: unknown) =>
        ctx.logger.warn({ err, user: p.userId }, 'could not send the expiry notice'),
      );
  }
  return expiring.length;
}
