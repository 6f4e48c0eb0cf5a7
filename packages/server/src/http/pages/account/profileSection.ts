import type { User } from '../../../accounts/index.js';
import { html, type Html } from '../../html.js';
import { formField, type FieldError } from '../fieldError.js';
import { formatTime } from '../render.js';

/** The profile form, and the email address's verification state with its code forms. */
export function profileSection(options: {
  csrf: string;
  user: User;
  /** A code for this very address is waiting to be entered. */
  proofPending: boolean;
  /** A move to another address waiting for its confirmation link (SPEC §12). */
  pendingEmail?: { newEmail: string; expires: number } | undefined;
  /** A refusal of the profile form, shown beside its field, with what was typed. */
  error?: FieldError | undefined;
  values?: { displayName: string; email: string } | undefined;
}): Html {
  const { csrf, user, error } = options;
  const values = options.values ?? { displayName: user.displayName, email: user.email };
  return html`<h2 id="profile">Profile</h2>
          <form class="stack" method="post" action="/account/profile" id="profile-form" novalidate>
            <input type="hidden" name="_csrf" value="${csrf}" />
            ${formField({ id: 'profile-display-name', name: 'display_name', label: 'Display name', error, control: (attrs) => html`<input type="text" ${attrs} value="${values.displayName}" maxlength="250" required />` })}
            ${formField({ id: 'profile-email', name: 'email', label: 'Email', rule: 'A new address takes effect once you open the link we email to it.', error, control: (attrs) => html`<input type="email" ${attrs} value="${values.email}" maxlength="254" autocomplete="email" required />` })}
            <div><button type="submit">Save profile</button></div>
          </form>
          ${options.pendingEmail ? pendingEmailChange(csrf, options.pendingEmail) : ''}
          ${
            user.emailVerifiedAt !== null
              ? html`<p class="muted" id="email-verified">Your email address is verified.</p>`
              : emailVerification(options)
          }`;
}

function pendingEmailChange(csrf: string, pending: { newEmail: string; expires: number }): Html {
  return html`<div class="notice" id="pending-email-change">
            <p>A change to <strong>${pending.newEmail}</strong> is waiting: open the link we emailed to that address (valid until ${formatTime(pending.expires)}). Until then your address stays as it is.</p>
            <form class="inline" method="post" action="/account/email/cancel">
              <input type="hidden" name="_csrf" value="${csrf}" />
              <button type="submit" class="secondary" id="cancel-email-change">Cancel the change</button>
            </form>
          </div>`;
}

function emailVerification(options: { csrf: string; user: User; proofPending: boolean }): Html {
  const { csrf, user, proofPending } = options;
  return html`<div id="email-verification">
          <p>Your email address <strong>${user.email}</strong> is <strong>not verified</strong>. Verify it so that a sign-in code can be emailed to it if you lose your other two-factor methods.</p>
          ${
            proofPending
              ? html`<form class="stack" method="post" action="/account/email/verify" id="verify-email-form">
            <input type="hidden" name="_csrf" value="${csrf}">
            <label>Code from the email <input type="text" name="code" id="email-verification-code" inputmode="numeric" autocomplete="one-time-code" maxlength="20" required></label>
            <button type="submit" id="verify-email">Verify address</button>
          </form>`
              : ''
          }
          <form method="post" action="/account/email/send-code">
            <input type="hidden" name="_csrf" value="${csrf}">
            <button type="submit" class="secondary" id="send-email-code">${proofPending ? 'Send another code' : 'Email me a code'}</button>
          </form></div>`;
}
