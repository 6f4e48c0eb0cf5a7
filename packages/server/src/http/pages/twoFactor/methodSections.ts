import type { User } from '../../../accounts/index.js';
import type { ProviderId, TwoFactorStatus } from '../../../two-factor/index.js';
import { html, type Html } from '../../html.js';
import { plural } from '../plural.js';
import { formatTime } from '../render.js';
import { csrfField } from './csrfField.js';
import { TWO_FACTOR_PAGE } from './twoFactorPaths.js';

/** What every method's section of /account/two-factor shows from. */
export interface MethodsView {
  csrf: string;
  status: TwoFactorStatus;
  /** The enabled methods that can be asked for first (all but recovery codes). */
  choices: ProviderId[];
}

const isOn = (view: MethodsView, p: ProviderId) => view.status.enabled.includes(p);

/** On or Off, and Primary where there is a choice. */
const methodTags = (view: MethodsView, p: ProviderId) =>
  html`${isOn(view, p) ? html`<span class="tag on">On</span>` : html`<span class="tag">Off</span>`}${isOn(view, p) && view.status.primary === p && view.choices.length > 1 ? html` <span class="tag">Primary</span>` : ''}`;

/** A link to the step that asks before the method is switched off (methodDisabling.ts). */
const disableForm = (_csrf: string, path: string) =>
  html`<a class="button secondary" href="${TWO_FACTOR_PAGE}/${path}/disable" id="disable-${path}">Disable…</a>`;

export function totpSection(view: MethodsView): Html {
  const { csrf } = view;
  return html`<section class="method" id="totp">
      <h2>Authenticator app ${methodTags(view, 'totp')}</h2>
      <p class="muted">Six-digit codes from an app on your phone (Google Authenticator, Aegis, 1Password, …), new every 30 seconds, no network needed.</p>
      ${
        isOn(view, 'totp')
          ? html`<div class="actions">${disableForm(csrf, 'totp')}</div>`
          : html`<form method="post" action="${TWO_FACTOR_PAGE}/totp">${csrfField(csrf)}<button type="submit" id="setup-totp">Set up</button></form>`
      }
    </section>`;
}

export function securityKeysSection(
  view: MethodsView & {
    keys: { id: string; name: string; created: number; lastUsed: number | null }[];
    siteHost: string;
    /** The site's host is an IP address: browsers refuse security keys there. */
    keysNeedDomain: boolean;
  },
): Html {
  const { csrf, keys, siteHost, keysNeedDomain } = view;
  return html`<section class="method" id="security-keys">
      <h2>Security keys ${methodTags(view, 'webauthn')}</h2>
      <p class="muted">A hardware key (YubiKey, Titan, …) or this device’s own authenticator. You can add several.</p>
      ${keysNeedDomain ? html`<p class="error" id="security-keys-unavailable">Security keys cannot work while the site address is an IP address (${siteHost}): browsers only accept them on a domain name, such as localhost. An administrator can change the site URL.</p>` : ''}
      ${
        keys.length > 0
          ? html`<table id="security-keys-table"><thead><tr><th>Name</th><th>Added</th><th>Last used</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${keys.map(
          (
            k,
          ) => html`<tr data-key="${k.id}"><td data-label="Name">${k.name}</td><td data-label="Added">${formatTime(k.created)}</td><td data-label="Last used">${formatTime(k.lastUsed)}</td>
          <td><a class="button secondary" href="${TWO_FACTOR_PAGE}/webauthn/${encodeURIComponent(k.id)}/remove" aria-label="Remove ${k.name}">Remove…</a></td></tr>`,
        )}</tbody></table>`
          : ''
      }
      <form class="stack" method="post" action="${TWO_FACTOR_PAGE}/webauthn" id="register-security-key">${csrfField(csrf)}
        <label>Name of the new key <input type="text" name="name" id="security-key-name" maxlength="100" placeholder="e.g. Blue YubiKey" required></label>
        <div class="actions"><button type="submit" id="add-security-key">Add security key</button>
        <span class="muted" data-webauthn-status aria-live="polite"></span></div>
      </form>
      <noscript><p class="muted">Adding or using a security key needs JavaScript.</p></noscript>
    </section>`;
}

export function emailSection(
  view: MethodsView & {
    user: User;
    /** Off, but a code can still go to the verified address when nothing else is in reach. */
    fallback: boolean;
  },
): Html {
  const { csrf, user, fallback } = view;
  return html`<section class="method" id="email">
      <h2>Email codes ${methodTags(view, 'email')}</h2>
      <p class="muted">An eight-digit code sent to <strong>${user.email}</strong> (${user.emailVerifiedAt === null ? 'not verified yet' : 'verified'}) each time you sign in.</p>
      ${fallback ? html`<p class="muted" id="email-fallback-note">Even while this is off, a code can be emailed to this verified address at sign-in if your other methods are out of reach.</p>` : ''}
      ${
        isOn(view, 'email')
          ? html`<div class="actions">${disableForm(csrf, 'email')}</div>`
          : html`<form method="post" action="${TWO_FACTOR_PAGE}/email">${csrfField(csrf)}<button type="submit" id="enable-email">Enable</button></form>`
      }
    </section>`;
}

export function recoveryCodesSection(view: MethodsView): Html {
  const { csrf } = view;
  return html`<section class="method" id="backup-codes">
      <h2>Recovery codes ${methodTags(view, 'backup_codes')}</h2>
      <p class="muted">Ten single-use codes for when your other methods are out of reach. Keep them somewhere safe, away from your phone.</p>
      ${
        isOn(view, 'backup_codes')
          ? html`<p id="backup-codes-remaining">${plural(view.status.backup_codes_remaining, 'code', 'codes')} left.</p>
          <div class="actions"><a class="button secondary" href="${TWO_FACTOR_PAGE}/backup-codes" id="generate-backup-codes">Generate new codes…</a>
          ${disableForm(csrf, 'backup-codes')}</div>`
          : html`${view.choices.length === 0 ? html`<p class="muted">They back up another method: set one up first.</p>` : html`<p class="notice" id="suggest-recovery-codes"><strong>Next step:</strong> generate recovery codes, so that a lost phone or key does not lock you out.</p>`}
          <form method="post" action="${TWO_FACTOR_PAGE}/backup-codes">${csrfField(csrf)}<button type="submit" id="generate-backup-codes">Generate recovery codes</button></form>`
      }
    </section>`;
}
