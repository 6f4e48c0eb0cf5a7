import type { AccountErrorCode } from '../../accounts/index.js';
import { html, type Html } from '../html.js';

/** A refusal that belongs to one field of a form, shown beside that field. */
export interface FieldError<F extends string = string> {
  field: F;
  text: string;
}

/**
 * One form field: its label, its rule (shown before anything is typed) and its refusal beside
 * it, both linked to the control with aria-describedby. A refused field is marked aria-invalid
 * and takes the focus, so the browser scrolls to it instead of to a banner at the top.
 * `control` writes the input with the attributes it is given (id, name, the links).
 */
export function formField(options: {
  id: string;
  name: string;
  label: string;
  rule?: string | Html | undefined;
  error?: FieldError | undefined;
  control: (attrs: Html) => Html;
}): Html {
  const { id, name } = options;
  const error = options.error?.field === name ? options.error.text : undefined;
  const describedBy = [options.rule ? `${id}-rule` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const attrs = html`id="${id}" name="${name}" ${describedBy ? html`aria-describedby="${describedBy}"` : ''} ${error ? html`aria-invalid="true" autofocus` : ''}`;
  return html`<div class="field">
              <label for="${id}">${options.label}</label>
              ${options.rule ? html`<p class="hint" id="${id}-rule">${options.rule}</p>` : ''}
              ${options.control(attrs)}
              ${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
            </div>`;
}

/** The form field an accounts-layer refusal is about, by its stable code. */
export function accountErrorField(code: AccountErrorCode): string | undefined {
  switch (code) {
    case 'existing_user_login':
    case 'invalid_username':
      return 'login';
    case 'existing_user_email':
    case 'invalid_email':
      return 'email';
    case 'invalid_password':
      return 'password';
    case 'invalid_role':
      return 'role';
    default:
      return undefined;
  }
}
