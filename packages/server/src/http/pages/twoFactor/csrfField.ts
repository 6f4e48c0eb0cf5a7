import { html, type Html } from '../../html.js';

/** The session's CSRF token as the hidden field of a two-factor form. */
export const csrfField = (csrf: string): Html =>
  html`<input type="hidden" name="_csrf" value="${csrf}">`;
