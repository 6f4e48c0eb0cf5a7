import { ROLE_LABELS, ROLE_NAMES, roleRank, type Role } from '../../../accounts/index.js';
import type { ApplicationPassword } from '../../../app-passwords/index.js';
import { html, type Html } from '../../html.js';
import { expiryText } from '../dateText.js';
import { formatTime } from '../render.js';

/** The list and forms for one owner's application passwords, on /account and /admin/users/{id}. */
export function applicationPasswordsSection(options: {
  csrf: string;
  base: string;
  records: ApplicationPassword[];
  available: boolean;
  ownerLabel: string;
  /** Ceilings offered are the roles below this one. */
  ownerRole?: Role;
  /** The server clock, to mark expired passwords. */
  now?: number;
  /** Registered forward-auth services (SPEC §11), offered as a limit when there are any. */
  services?: ReadonlyArray<{ slug: string; name: string }>;
  /** A notice shown at the section (after a revoke, which lands here, not at the page's top). */
  notice?: string | undefined;
}): Html {
  const { csrf, base, records } = options;
  const now = options.now ?? Date.now();
  if (!options.available) {
    return html`<h2 id="application-passwords">Application passwords</h2>
      <p class="muted">Application passwords are not available here: the site must be served over HTTPS (or run in the local environment), and the feature must be switched on.</p>`;
  }
  return html`<h2 id="application-passwords">Application passwords</h2>
    ${options.notice ? html`<p class="notice" role="status" id="application-passwords-notice">${options.notice}</p>` : ''}
    <p class="muted">Programs that use ${options.ownerLabel} account through the API get their own password, which can be revoked on its own. They never work on the sign-in form.</p>
    ${
      records.length === 0
        ? html`<p class="muted" id="no-application-passwords">No application passwords yet.</p>`
        : html`<table id="application-passwords-table">
        <thead><tr><th>Name</th><th>Created</th><th>Last used</th><th>Last IP</th><th>Reach</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${records.map(
          (r) => html`<tr data-uuid="${r.uuid}">
          <td data-label="Name"><a href="${base}/${r.uuid}">${r.name}</a></td><td data-label="Created">${formatTime(r.created)}</td><td data-label="Last used">${r.lastUsed === null ? 'never' : formatTime(r.lastUsed)}</td><td data-label="Last IP">${r.lastIp ?? '—'}</td>
          <td data-label="Reach">${r.scope === 'content' ? 'content only' : 'full'}${r.roleCeiling ? html`, as ${ROLE_LABELS[r.roleCeiling as Role] ?? r.roleCeiling}` : ''}${r.services.length > 0 ? html`; services: ${r.services.join(', ')}` : ''}${r.expires === null ? '' : r.expires <= now ? html` <span class="tag">expired</span>` : html`, ${expiryText(r.expires)}`}</td>
          <td><a class="button secondary" href="${base}/${r.uuid}/revoke" data-revoke aria-label="Revoke ${r.name}">Revoke…</a></td>
        </tr>`,
        )}</tbody>
      </table>`
    }
    <h3 id="add-application-password">Add an application password</h3>
    <form class="stack" method="post" action="${base}">
      <input type="hidden" name="_csrf" value="${csrf}">
      <label>New application password name <input type="text" name="name" id="new-application-password-name" maxlength="255" required placeholder="e.g. Phone app"></label>
      <label>What it may reach
        <select name="scope" id="new-application-password-scope">
          <option value="full" selected>Everything ${options.ownerLabel} account can do</option>
          <option value="content">Content only: posts, pages, categories, tags, media</option>
        </select></label>
      <label>Act at most as
        <select name="role_ceiling" id="new-application-password-ceiling">
          <option value="" selected>The account’s own role</option>
          ${ROLE_NAMES.filter((r) => !options.ownerRole || roleRank(r) < roleRank(options.ownerRole)).map((r) => html`<option value="${r}">${ROLE_LABELS[r]}</option>`)}
        </select></label>
      <label>Expires (optional) <input type="date" name="expires" id="new-application-password-expires" aria-describedby="new-application-password-expires-hint">
        <span class="hint" id="new-application-password-expires-hint">It works through the end of that day (UTC).</span></label>
      ${servicesChoice(options.services ?? [])}
      <button type="submit" id="create-application-password">Add application password</button>
    </form>
    ${
      records.length === 0
        ? ''
        : html`<h3 id="revoke-all-heading">Revoke all</h3>
      <form class="stack" method="post" action="${base}/revoke-all" id="revoke-all-form">
        <input type="hidden" name="_csrf" value="${csrf}">
        <label class="check"><input type="checkbox" name="confirm" value="yes" required> Yes, revoke all ${records.length} application password${records.length === 1 ? '' : 's'}: every program using them stops working.</label>
        <div><button class="danger" type="submit" id="revoke-all">Revoke all application passwords</button></div>
      </form>`
    }`;
}

/** The services limit: none ticked means every service (SPEC §11). */
function servicesChoice(services: ReadonlyArray<{ slug: string; name: string }>): Html | '' {
  if (services.length === 0) return '';
  return html`<fieldset id="new-application-password-services"><legend>Services it may enter through forward authentication (none ticked: all)</legend>
        ${services.map((s) => html`<label class="check"><input type="checkbox" name="services" value="${s.slug}"> ${s.name} <span class="tag">${s.slug}</span></label>`)}
      </fieldset>`;
}
