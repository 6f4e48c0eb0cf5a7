import { ROLE_LABELS, ROLE_NAMES, type User } from '../../../accounts/index.js';
import { html, type Html } from '../../html.js';
import { formatTime } from '../render.js';

/** Who the user is: email, role, registration, status, sessions. */
export function userFactsTable(target: User, activeSessions: number): Html {
  return html`<table>
            <tr>
              <th>Email</th>
              <td>
                ${target.email}
                ${target.emailVerifiedAt ? html`<span class="tag">verified</span>` : ''}
              </td>
            </tr>
            <tr>
              <th>Role</th>
              <td>${ROLE_LABELS[target.role]}</td>
            </tr>
            <tr>
              <th>Registered</th>
              <td>${formatTime(target.registered)}</td>
            </tr>
            <tr>
              <th>Status</th>
              <td>${target.disabled ? 'disabled' : 'active'}</td>
            </tr>
            <tr>
              <th>Active sessions</th>
              <td>${activeSessions}</td>
            </tr>
          </table>`;
}

export function roleForm(csrf: string, target: User): Html {
  return html`<h2 id="role">Role</h2>
                  <form class="stack" method="post" action="/admin/users/${target.id}/role">
                    <input type="hidden" name="_csrf" value="${csrf}" />
                    <label
                      >What ${target.login} may do on this site
                      <select name="role">
                        ${ROLE_NAMES.map((r) => html`<option value="${r}" ${r === target.role ? html`selected` : ''}>${ROLE_LABELS[r]}</option>`)}
                      </select></label
                    >
                    <button type="submit" class="secondary">Change role</button>
                  </form>`;
}

/** Disabling or enabling the account, and ending its sessions (never on one's own page). */
export function accessForms(csrf: string, target: User): Html {
  return html`<h2 id="access">Access</h2>
                  <div class="actions">
                  ${
                    target.disabled
                      ? html`<form class="inline" method="post" action="/admin/users/${target.id}/enable">
                    <input type="hidden" name="_csrf" value="${csrf}" />
                    <button type="submit" id="enable-account">Enable account</button>
                  </form>`
                      : html`<a class="button danger" href="/admin/users/${target.id}/disable" id="disable-account">Disable account…</a>`
                  }
                  <form
                    class="inline"
                    method="post"
                    action="/admin/users/${target.id}/end-sessions"
                  >
                    <input type="hidden" name="_csrf" value="${csrf}" />
                    <button type="submit" class="secondary">End all sessions</button>
                  </form>
                  </div>`;
}
