import type { AuditEvent } from '../../../audit/index.js';
import { html, type Html } from '../../html.js';
import { auditEventLabel } from '../auditEventLabel.js';
import { formatTime } from '../render.js';
import { userAgentLabel } from '../../../user-agents/index.js';

/** Security events as a table: when, what (in words), from where, with what. */
export function auditEventsTable(events: AuditEvent[], id: string): Html {
  return html`<table id="${id}">
            <thead>
              <tr>
                <th>When</th>
                <th>What happened</th>
                <th>IP</th>
                <th>Browser</th>
              </tr>
            </thead>
            <tbody>
              ${events.map(
                (e) =>
                  html`<tr data-event="${e.event}">
                    <td data-label="When">${formatTime(e.time)}</td>
                    <td data-label="What happened">${auditEventLabel(e.event, e.details)}</td>
                    <td data-label="IP">${e.ip}</td>
                    <td data-label="Browser" title="${e.userAgent.slice(0, 512)}">${userAgentLabel(e.userAgent)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`;
}

/** The latest security events of the account, newest first. */
export function activitySection(events: AuditEvent[]): Html {
  return html`<h2 id="activity">Security events</h2>
          ${events.length === 0 ? html`<p class="muted">Nothing yet.</p>` : auditEventsTable(events, 'security-events')}`;
}
