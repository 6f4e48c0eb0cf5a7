import { ROLE_LABELS, ROLE_NAMES } from '../../accounts/index.js';
import {
  DESCRIPTION_MAX_LENGTH,
  TITLE_MAX_LENGTH,
  timezoneNames,
  type SettingName,
  type SettingsError,
} from '../../settings/applySettingsChange.js';
import { html, type Html } from '../html.js';
import { formList, formText } from './formFields.js';

/** The values a section of the form shows, and the refusal of each field, if any. */
interface SettingsFormView {
  v: Record<SettingName, unknown>;
  fieldError: (name: SettingName) => Html | '';
  roleBoxes: (name: SettingName) => Html[];
}

/** `/admin/settings`'s form, showing `values` (saved, or as posted with `problem`). */
export function settingsForm(
  csrf: string,
  values: Record<SettingName, unknown>,
  problem: SettingsError | undefined,
): Html {
  const v = values;
  const invalid = (name: SettingName) => problem?.params[name];
  const fieldError = (name: SettingName) =>
    invalid(name) ? html`<span class="field-error" role="alert">${invalid(name)}</span>` : '';
  const roleBoxes = (name: SettingName) =>
    ROLE_NAMES.map(
      (r) =>
        html`<label class="check"
            ><input type="checkbox" name="${name}" value="${r}" ${formList(v[name]).includes(r) ? html`checked` : ''} />
            ${ROLE_LABELS[r]}</label
          >`,
    );
  const view: SettingsFormView = { v, fieldError, roleBoxes };
  return html` <p><a href="/admin/users">← Users</a></p>
          <h1>Settings</h1>
          <form class="stack settings" method="post" action="/admin/settings">
            <input type="hidden" name="_csrf" value="${csrf}" />
            <section class="card">${siteFields(view)}</section>
            <section class="card">${registrationFields(view)}</section>
            <section class="card">${twoFactorFields(view)}</section>
            <section class="card">${applicationPasswordFields(view)}</section>
            <section class="card">${xmlrpcFields(view)}</section>
            <button type="submit">Save settings</button>
          </form>`;
}

function siteFields({ v, fieldError }: SettingsFormView): Html {
  const zone = formText(v.timezone);
  const zones = timezoneNames();
  return html`<h2>Site</h2>
            <label
              >Site title
              <input type="text" name="title" value="${formText(v.title)}" required maxlength="${TITLE_MAX_LENGTH}" />
              ${fieldError('title')}</label
            >
            <label
              >Tagline
              <input type="text" name="description" value="${formText(v.description)}" maxlength="${DESCRIPTION_MAX_LENGTH}" />
              ${fieldError('description')}</label
            >
            <label
              >Timezone
              <select name="timezone">
                ${zones.includes(zone) ? '' : html`<option value="${zone}" selected>${zone}</option>`}
                ${zones.map((z) => html`<option value="${z}" ${z === zone ? html`selected` : ''}>${z}</option>`)}
              </select>
              ${fieldError('timezone')}</label
            >`;
}

function registrationFields({ v, fieldError }: SettingsFormView): Html {
  const current = formText(v.default_role);
  return html`<h2>Registration</h2>
            <label class="check"
              ><input type="checkbox" name="users_can_register" id="users_can_register" value="1" ${v.users_can_register === true ? html`checked` : ''} />
              <span>Anyone can register at <code>/register</code></span></label
            >
            <label
              >Role of new registrations
              <select name="default_role" id="default_role">
                ${ROLE_NAMES.filter((r) => r !== 'administrator').map((r) => html`<option value="${r}" ${r === current ? html`selected` : ''}>${ROLE_LABELS[r]}</option>`)}
              </select>
              ${fieldError('default_role')}</label
            >`;
}

function twoFactorFields({ v, fieldError, roleBoxes }: SettingsFormView): Html {
  return html`<h2>Two-factor authentication</h2>
            <label class="check"
              ><input type="checkbox" name="latchkey_email_fallback" value="1" ${v.latchkey_email_fallback === true ? html`checked` : ''} />
              <span>Offer an emailed code at sign-in to two-factor users with a verified address
              (so a lost phone locks nobody out)</span></label
            >
            <fieldset>
              <legend>Require two-factor authentication for these roles</legend>
              ${roleBoxes('latchkey_required_two_factor_roles')}
              ${fieldError('latchkey_required_two_factor_roles')}
              <p class="muted">
                Members of these roles must set up a second factor right after their password
                before they can do anything else. Administrators can only be included once your
                own account has a second factor.
              </p>
            </fieldset>`;
}

function applicationPasswordFields({ v, fieldError, roleBoxes }: SettingsFormView): Html {
  return html`<h2>Application passwords</h2>
            <label class="check"
              ><input type="checkbox" name="latchkey_application_passwords" value="1" ${v.latchkey_application_passwords === true ? html`checked` : ''} />
              <span>Application passwords work on this site</span></label
            >
            <fieldset>
              <legend>Members of these roles may not use application passwords</legend>
              ${roleBoxes('latchkey_application_passwords_disabled_roles')}
              ${fieldError('latchkey_application_passwords_disabled_roles')}
            </fieldset>`;
}

function xmlrpcFields({ v }: SettingsFormView): Html {
  return html`<h2>XML-RPC</h2>
            <label class="check"
              ><input type="checkbox" name="latchkey_xmlrpc" value="1" ${v.latchkey_xmlrpc === true ? html`checked` : ''} />
              <span>XML-RPC (<code>/xmlrpc.php</code>) answers authenticated methods</span></label
            >
            <label class="check"
              ><input type="checkbox" name="latchkey_xmlrpc_account_passwords" value="1" ${v.latchkey_xmlrpc_account_passwords === true ? html`checked` : ''} />
              <span>XML-RPC accepts the account password of users without two-factor (otherwise
              only application passwords)</span></label
            >`;
}
