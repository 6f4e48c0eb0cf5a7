import type { FastifyRequest } from 'fastify';
import type { AccountLinkDeps, LinkOrigin } from '../account-links/index.js';
import type { AppContext } from '../context.js';
import { clientIp } from './clientAddress.js';

/** The §12 flows' dependencies, from the server's context. */
export function accountLinkDeps(ctx: AppContext): AccountLinkDeps {
  return {
    db: ctx.db,
    key: ctx.keys.accountLinks,
    mailer: ctx.mailer,
    siteUrl: ctx.config.siteUrl,
    logger: ctx.logger,
    now: () => ctx.now(),
    accountMailLimit: (accountKey) => ctx.limiters.accountMail.account(accountKey),
  };
}

/** Where a request came from; `credential` names the session when there is one. */
export function linkOrigin(request: FastifyRequest, sessionId?: string | null): LinkOrigin {
  return {
    ip: clientIp(request),
    userAgent: String(request.headers['user-agent'] ?? ''),
    credential: sessionId ? `session:${sessionId}` : null,
  };
}

/**
 * Mail that must not delay the answer (or make it fail): sent in the background, a failure
 * logged. The mailer waits for pending messages at shutdown.
 */
export function mailLater(ctx: AppContext, what: string, sending: Promise<unknown>): void {
  sending.catch((err: unknown) => ctx.logger.warn({ err }, `${what} failed`));
}
