import type { User } from '../../../accounts/index.js';
import { recordAuditEvent, type AuditEventName } from '../../../audit/index.js';
import type { AppContext } from '../../../context.js';
import { clientIp } from '../../clientAddress.js';
import type { RestRequest } from '../registry.js';

/** Where a request came from and with which credential, as the audit trail records it. */
export const requestOrigin = (req: RestRequest) => ({
  ip: clientIp(req.raw),
  userAgent: String(req.raw.headers['user-agent'] ?? ''),
  credential:
    req.auth.via === 'cookie'
      ? `session:${req.auth.session?.id}`
      : req.auth.appPassword
        ? `app_password:${req.auth.appPassword.uuid}`
        : req.auth.via,
});

/** Records an event on the owner's trail, naming the signed-in user who caused it. */
export const auditOwner = (
  ctx: AppContext,
  req: RestRequest,
  event: AuditEventName,
  owner: User,
  details: Record<string, unknown>,
) =>
  recordAuditEvent(
    ctx.db,
    {
      ...requestOrigin(req),
      event,
      userId: owner.id,
      details: { by: req.auth.user?.id ?? null, ...details },
    },
    ctx.now(),
  );
