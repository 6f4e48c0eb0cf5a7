import type { User } from '../../../accounts/index.js';
import { PROVIDER_LABELS, type TwoFactorStatus } from '../../../two-factor/index.js';
import { html, type Html } from '../../html.js';
import { plural } from '../plural.js';

/** The user's second factors as plain status (the owner's own page carries the warnings). */
export function twoFactorSection(options: {
  csrf: string;
  target: User;
  status: TwoFactorStatus;
  required: boolean;
  mayReset: boolean;
}): Html {
  const { csrf, target, status, required, mayReset } = options;
  const labels = (ids: readonly (keyof typeof PROVIDER_LABELS)[]) =>
    ids.length ? ids.map((p) => PROVIDER_LABELS[p]).join(', ') : 'none';
  const inUse = status.enabled.length > 0;
  return html`<h2 id="two-factor">Two-factor</h2>
    <table data-two-factor="${inUse ? 'enabled' : 'none'}">
      <tr>
        <th>Enabled methods</th>
        <td>${inUse ? labels(status.enabled) : 'none: signs in with the password only'}</td>
      </tr>
      <tr>
        <th>Primary method</th>
        <td>${status.primary ? PROVIDER_LABELS[status.primary] : '—'}</td>
      </tr>
      <tr>
        <th>Usable at sign-in</th>
        <td>${inUse ? labels(status.available) : '—'}</td>
      </tr>
      <tr>
        <th>Recovery codes</th>
        <td>
          ${
            status.enabled.includes('backup_codes')
              ? plural(status.backup_codes_remaining, 'recovery code left', 'recovery codes left')
              : 'not set up'
          }
        </td>
      </tr>
      <tr>
        <th>Security keys</th>
        <td>${status.webauthn.length}</td>
      </tr>
      <tr>
        <th>Required for the role</th>
        <td>${required ? 'yes' : 'no'}</td>
      </tr>
    </table>
    ${
      mayReset && inUse
        ? html`<form
            class="stack"
            method="post"
            action="/admin/users/${target.id}/two-factor/reset"
          >
            <input type="hidden" name="_csrf" value="${csrf}" />
            <p>
              Resetting removes every second factor of ${target.login} (authenticator app, security
              keys, email codes, recovery codes) and ends all of their sessions. They sign in with
              the password alone${required ? ' and must set up a new method at once' : ''}.
            </p>
            <label class="check"
              ><input type="checkbox" name="confirm" value="1" required /> Yes, reset
              ${target.login}’s two-factor authentication</label
            >
            <button type="submit" class="danger">Reset two-factor</button>
          </form>`
        : ''
    }`;
}
