import { html, type Html } from '../../html.js';

/** A refusal that belongs to one field of the password form. */
export interface PasswordFieldError {
  field: 'current_password' | 'new_password' | 'confirm_password';
  text: string;
}

/**
 * The rule shown under the new password before anything is typed. The length is checked here
 * (accounts/); the rest is the advice the password rules (issue 18) enforce.
 */
export const NEW_PASSWORD_RULE =
  '8 to 1024 characters. Avoid common passwords and your name, login or email.';

/**
 * One password field: its label, the rule (if any) and its error beside it, both linked with
 * aria-describedby; an invalid field is marked and takes the focus, so the browser scrolls to it.
 */
function passwordField(options: {
  name: PasswordFieldError['field'];
  label: string;
  autocomplete: string;
  minlength?: number;
  rule?: string;
  error: PasswordFieldError | undefined;
}): Html {
  const { name } = options;
  const id = `account-${name.replace('_', '-')}`;
  const error = options.error?.field === name ? options.error.text : undefined;
  const describedBy = [options.rule ? `${id}-rule` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return html`<div class="field">
              <label for="${id}">${options.label}</label>
              ${options.rule ? html`<p class="hint" id="${id}-rule">${options.rule}</p>` : ''}
              <input
                type="password"
                id="${id}"
                name="${name}"
                autocomplete="${options.autocomplete}"
                ${options.minlength ? html`minlength="${options.minlength}" maxlength="1024"` : ''}
                required
                ${describedBy ? html`aria-describedby="${describedBy}"` : ''}
                ${error ? html`aria-invalid="true" autofocus` : ''}
              />
              ${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
            </div>`;
}

/** The password change form: the current password, and the new one twice. */
export function passwordSection(csrf: string, error?: PasswordFieldError): Html {
  return html`<h3 id="password">Password</h3>
          <form class="stack" method="post" action="/account/password" id="password-form" novalidate>
            <input type="hidden" name="_csrf" value="${csrf}" />
            ${passwordField({ name: 'current_password', label: 'Current password', autocomplete: 'current-password', error })}
            ${passwordField({ name: 'new_password', label: 'New password', autocomplete: 'new-password', minlength: 8, rule: NEW_PASSWORD_RULE, error })}
            ${passwordField({ name: 'confirm_password', label: 'Repeat new password', autocomplete: 'new-password', minlength: 8, error })}
            <div><button type="submit">Change password</button></div>
          </form>`;
}
