import type { FastifyRequest } from 'fastify';
import type { User } from '../../accounts/index.js';
import { recordAuditEvent, type AuditEventName } from '../../audit/index.js';
import type { SignedIn } from '../browserAuth.js';
import { clientIp } from '../clientAddress.js';
import type { AppContext } from '../../context.js';
import { formText } from './formFields.js';

/** Where a change made on a signed-in page came from, as the audit trail names it. */
export function pageOrigin(request: FastifyRequest, signedIn: SignedIn) {
  return {
    ip: clientIp(request),
    userAgent: formText(request.headers['user-agent']),
    credential: `session:${signedIn.session.id}`,
  };
}

/** An event about `subject` (a user account), done from a page by the signed-in user (`by`). */
export function auditPageChange(
  ctx: AppContext,
  request: FastifyRequest,
  signedIn: SignedIn,
  event: AuditEventName,
  subject: User,
  details: Record<string, unknown> = {},
): Promise<void> {
  return recordAuditEvent(
    ctx.db,
    {
      event,
      userId: subject.id,
      ...pageOrigin(request, signedIn),
      details: { by: signedIn.user.id, ...details },
    },
    ctx.now(),
  );
}

/** An event of a sign-in step: no session yet, so no credential. */
export function auditSignInStep(
  ctx: AppContext,
  request: FastifyRequest,
  event: AuditEventName,
  userId: number,
  details: Record<string, unknown> = {},
): Promise<void> {
  return recordAuditEvent(
    ctx.db,
    {
      event,
      userId,
      ip: clientIp(request),
      userAgent: formText(request.headers['user-agent']),
      credential: null,
      details,
    },
    ctx.now(),
  );
}
