import type { AuditEvent } from '../../../audit/index.js';
import { html, type Html } from '../../html.js';
import { formatTime } from '../render.js';

/** The latest security events of the account, newest first. */
export function activitySection(events: AuditEvent[]): Html {
  return html`<h2 id="activity">Security events</h2>
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Event</th>
                <th>IP</th>
                <th>Browser</th>
              </tr>
            </thead>
            <tbody>
              ${events.map(
                (e) =>
                  html`<tr>
                    <td>${formatTime(e.time)}</td>
                    <td><code>${e.event}</code></td>
                    <td>${e.ip}</td>
                    <td>${e.userAgent.slice(0, 60)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`;
}
