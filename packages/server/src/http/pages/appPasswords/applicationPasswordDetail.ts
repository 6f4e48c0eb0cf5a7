import type { FastifyInstance } from 'fastify';
import { findApplicationPassword, type ApplicationPassword } from '../../../app-passwords/index.js';
import { listAuditEvents, type AuditEvent } from '../../../audit/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { html } from '../../html.js';
import { auditEventsTable } from '../account/activitySection.js';
import { expiryText } from '../dateText.js';
import { formatTime, sendPage } from '../render.js';
import { applicationPasswordOwner } from './applicationPasswordOwner.js';

/** One application password: its facts, and what it did and what was done to it. */
export function registerApplicationPasswordDetail(
  app: FastifyInstance,
  ctx: AppContext,
  prefix: string,
): void {
  app.get(`${prefix}/application-passwords/:uuid`, async (request, reply) => {
    const c = await applicationPasswordOwner(ctx, request, reply, 'read_app_password');
    if (!c) return reply;
    const found = await findApplicationPassword(
      ctx.db,
      c.owner.id,
      (request.params as { uuid: string }).uuid,
    );
    if (!found)
      throw new HttpError(
        404,
        'rest_application_password_not_found',
        'Application password not found.',
      );
    const record = ctx.lastUsed.overlay(found);
    const all = await applicationPasswordActivity(ctx, c.owner.id, record);
    return sendPage(
      ctx,
      request,
      reply,
      { title: `Application password ${record.name}`, signedIn: c.signedIn },
      () => html`
        <p><a href="${c.back}#application-passwords">← Back</a></p>
        <h1>${record.name}</h1>
        <dl class="facts" id="application-password-facts">
          <dt>Created</dt><dd>${formatTime(record.created)}</dd>
          <dt>Last used</dt><dd>${record.lastUsed === null ? 'never' : formatTime(record.lastUsed)}</dd>
          <dt>Last IP</dt><dd>${record.lastIp ?? '—'}</dd>
          <dt>App ID</dt><dd>${record.appId || '—'}</dd>
          <dt>Reach</dt><dd>${record.scope === 'content' ? 'content only' : 'everything the account can do'}${record.expires === null ? '' : html`, ${expiryText(record.expires)}`}</dd>
        </dl>
        <p><a class="button danger" href="${c.base}/${record.uuid}/revoke" id="revoke-from-detail">Revoke…</a></p>
        <h2>Activity</h2>
        ${
          all.length === 0
            ? html`<p class="muted">No activity recorded yet.</p>`
            : auditEventsTable(all, 'activity')
        }`,
    );
  });
}

/**
 * The events of the credential itself (its uses), and the ones about it made with another
 * credential (created, revoked from a session), newest first.
 */
async function applicationPasswordActivity(
  ctx: AppContext,
  ownerId: number,
  record: ApplicationPassword,
): Promise<AuditEvent[]> {
  const { events } = await listAuditEvents(ctx.db, {
    userId: ownerId,
    credential: `app_password:${record.uuid}`,
    page: 1,
    perPage: 50,
  });
  const created = await listAuditEvents(ctx.db, { userId: ownerId, page: 1, perPage: 200 });
  const lifecycle = created.events.filter(
    (e) => e.details.uuid === record.uuid && e.credential !== `app_password:${record.uuid}`,
  );
  return [...events, ...lifecycle].sort((a, b) => b.time - a.time);
}
