import type { Session } from '../../../sessions/index.js';
import { html, type Html } from '../../html.js';
import { formatTime } from '../render.js';
import { userAgentLabel } from '../../../user-agents/index.js';

/** The user's sessions, each but this one with its sign-out button, and "everywhere else". */
export function sessionsSection(options: {
  csrf: string;
  sessions: Session[];
  currentSessionId: string;
}): Html {
  const { csrf, sessions, currentSessionId } = options;
  return html`<h2 id="sessions">Sessions</h2>
          <table id="sessions-table">
            <thead>
              <tr>
                <th>Browser</th>
                <th>Signed in</th>
                <th>Last seen</th>
                <th>IP</th>
                <th><span class="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              ${sessions.map(
                (s) =>
                  html`<tr data-session="${s.id}">
                    <td data-label="Browser" title="${s.userAgent.slice(0, 512)}">${userAgentLabel(s.userAgent)}</td>
                    <td data-label="Signed in">${formatTime(s.created)}</td>
                    <td data-label="Last seen">${formatTime(s.lastSeen)}</td>
                    <td data-label="IP">${s.ip}</td>
                    <td>
                      ${
                        s.id === currentSessionId
                          ? html`<span class="tag">this session</span>`
                          : html`<form
                              class="inline"
                              method="post"
                              action="/account/sessions/${s.id}/end"
                            >
                              <input type="hidden" name="_csrf" value="${csrf}" /><button
                                class="secondary"
                                type="submit"
                              >
                                Sign out
                              </button>
                            </form>`
                      }
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>
          ${
            sessions.length > 1
              ? html`<form method="post" action="/account/sessions/end-others">
                  <input type="hidden" name="_csrf" value="${csrf}" />
                  <p>
                    <button type="submit" id="end-other-sessions">Log out everywhere else</button>
                  </p>
                </form>`
              : html`<p class="muted">This is your only session.</p>`
          }`;
}
