import { html, type Html } from '../../html.js';

/** The password change form: the current password, and the new one twice. */
export function passwordSection(csrf: string): Html {
  return html`<h2 id="password">Password</h2>
          <form class="stack" method="post" action="/account/password">
            <input type="hidden" name="_csrf" value="${csrf}" />
            <label
              >Current password
              <input
                type="password"
                name="current_password"
                autocomplete="current-password"
                required
            /></label>
            <label
              >New password
              <input
                type="password"
                name="new_password"
                autocomplete="new-password"
                minlength="8"
                required
            /></label>
            <label
              >Repeat new password
              <input
                type="password"
                name="confirm_password"
                autocomplete="new-password"
                minlength="8"
                required
            /></label>
            <button type="submit">Change password</button>
          </form>`;
}
