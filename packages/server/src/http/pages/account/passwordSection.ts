import { html, type Html } from '../../html.js';
import { formField, type FieldError } from '../fieldError.js';

/** A refusal that belongs to one field of the password form. */
export type PasswordFieldError = FieldError<
  'current_password' | 'new_password' | 'confirm_password'
>;

/**
 * The rule shown under the new password before anything is typed. The length is checked here
 * (accounts/); the rest is the advice the password rules (issue 18) enforce.
 */
export const NEW_PASSWORD_RULE =
  '8 to 1024 characters. Avoid common passwords and your name, login or email.';

/** One password field, through the pages' shared field (rule and refusal beside it). */
function passwordField(options: {
  name: PasswordFieldError['field'];
  label: string;
  autocomplete: string;
  minlength?: number;
  rule?: string;
  error: PasswordFieldError | undefined;
}): Html {
  const { name } = options;
  return formField({
    id: `account-${name.replace('_', '-')}`,
    name,
    label: options.label,
    rule: options.rule,
    error: options.error,
    control: (attrs) =>
      html`<input type="password" ${attrs} autocomplete="${options.autocomplete}" ${options.minlength ? html`minlength="${options.minlength}" maxlength="1024"` : ''} required />`,
  });
}

/**
 * The password change form: the current password, and the new one twice. Under its own
 * "Password" heading on /account; `headed: false` where the page's title already says it.
 */
export function passwordSection(
  csrf: string,
  error?: PasswordFieldError,
  { headed = true }: { headed?: boolean } = {},
): Html {
  return html`${headed ? html`<h3 id="password">Password</h3>` : ''}
          <form class="stack" method="post" action="/account/password" id="password-form" novalidate>
            <input type="hidden" name="_csrf" value="${csrf}" />
            ${passwordField({ name: 'current_password', label: 'Current password', autocomplete: 'current-password', error })}
            ${passwordField({ name: 'new_password', label: 'New password', autocomplete: 'new-password', minlength: 8, rule: NEW_PASSWORD_RULE, error })}
            ${passwordField({ name: 'confirm_password', label: 'Repeat new password', autocomplete: 'new-password', minlength: 8, error })}
            <div><button type="submit">Change password</button></div>
          </form>`;
}
