import { listAuditEvents } from '../../../audit/index.js';
import type { AppContext } from '../../../context.js';

/**
 * "Application password “Phone” revoked.", shown at the application-passwords section after a
 * revoke (on /account and on an administrator's /admin/users/{id}). The name is read from the
 * revoke's audit record of that account, found by the uuid the redirect carries, never from the
 * URL itself: a crafted link can at most name a password the account really had.
 */
export async function revokedNotice(
  ctx: AppContext,
  ownerId: number,
  uuid: string,
): Promise<string> {
  const { events } = await listAuditEvents(ctx.db, { userId: ownerId, page: 1, perPage: 20 });
  const event = events.find(
    (e) => e.event === 'app_password.revoked' && uuid !== '' && e.details.uuid === uuid,
  );
  const name = event && typeof event.details.name === 'string' ? event.details.name : undefined;
  return name ? `Application password “${name}” revoked.` : 'Application password revoked.';
}
