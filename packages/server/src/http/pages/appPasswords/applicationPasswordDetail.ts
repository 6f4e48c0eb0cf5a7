import type { FastifyInstance } from 'fastify';
import { findApplicationPassword, type ApplicationPassword } from '../../../app-passwords/index.js';
import { listAuditEvents, type AuditEvent } from '../../../audit/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { html } from '../../html.js';
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
        <table>
          <tr><th>Created</th><td>${formatTime(record.created)}</td></tr>
          <tr><th>Last used</th><td>${formatTime(record.lastUsed)}</td></tr>
          <tr><th>Last IP</th><td>${record.lastIp ?? '—'}</td></tr>
          <tr><th>App ID</th><td>${record.appId || '—'}</td></tr>
          <tr><th>Scope</th><td>${record.scope}</td></tr>
        </table>
        <h2>Activity</h2>
        ${
          all.length === 0
            ? html`<p class="muted">No activity recorded yet.</p>`
            : html`<table id="activity"><thead><tr><th>When</th><th>Event</th><th>IP</th><th>Browser or client</th></tr></thead>
            <tbody>${all.map((e) => html`<tr><td>${formatTime(e.time)}</td><td><code>${e.event}</code></td><td>${e.ip}</td><td>${e.userAgent.slice(0, 80)}</td></tr>`)}</tbody></table>`
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
