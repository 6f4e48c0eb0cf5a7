import type { FastifyReply, FastifyRequest } from 'fastify';
import { ROLE_LABELS } from '../../../accounts/index.js';
import { sanitizeApplicationPasswordName } from '../../../app-passwords/index.js';
import {
  approveDestination,
  rejectDestination,
  type AuthorizeRequest,
} from '../../../authorize-app/index.js';
import { readSettings } from '../../../settings/index.js';
import type { SignedIn } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { html, type Html } from '../../html.js';
import { sendPage } from '../render.js';
import { authorizePageCsp } from './authorizePageCsp.js';

/** What the form holds: the password's name, scope and expiry, and a refusal to show. */
export interface AuthorizeScreenValues {
  name: string;
  scope: string;
  expires: string;
  /** Slugs ticked (of those the app asked for). */
  services?: string[];
  error?: string;
  /** The field the refusal is about: it is shown beside that field. */
  errorField?: 'name' | 'scope' | 'services' | 'expires';
}

/** A field's refusal beside it, and the attributes that tie the two together. */
function fieldError(values: AuthorizeScreenValues, field: AuthorizeScreenValues['errorField']) {
  const on = values.error !== undefined && values.errorField === field;
  const id = `authorize-${field}-error`;
  return {
    message: on ? html`<p class="field-error" id="${id}">${values.error}</p>` : '',
    id: on ? id : '',
    invalid: on ? html`aria-invalid="true"` : '',
  };
}

/**
 * The screen, in the order a person decides: which site, which app (by its own claim), as which
 * account, what it may reach; then the two choices side by side, each saying where it leads.
 * `action` is the address it was opened at (both of WordPress's are served).
 */
export async function authorizeScreen(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: SignedIn,
  authorize: AuthorizeRequest,
  action: string,
  values: AuthorizeScreenValues,
): Promise<FastifyReply> {
  const user = signedIn.user;
  const site = (await readSettings(ctx.db)).title;
  const siteHost = new URL(ctx.config.siteUrl).host;
  const approveTo = approvePreview(ctx, authorize, user.login);
  const rejectTo = rejectDestination(authorize);
  const contentOnly = authorize.scope === 'content';
  const today = new Date(ctx.now()).toISOString().slice(0, 10);
  const appName = authorize.appName || 'An unnamed application';
  const cleaned = sanitizeApplicationPasswordName(authorize.appName);
  const nameChanged = authorize.appName !== '' && cleaned !== authorize.appName.trim();
  const name = fieldError(values, 'name');
  const services = fieldError(values, 'services');
  const expires = fieldError(values, 'expires');
  const scope = fieldError(values, 'scope');
  const unplaced = values.error !== undefined && values.errorField === undefined;
  reply.header('content-security-policy', authorizePageCsp(authorize));
  return sendPage(
    ctx,
    request,
    reply,
    {
      title: 'Authorize application',
      status: values.error ? 400 : 200,
      signedIn,
      flash: unplaced ? { kind: 'error', text: values.error! } : undefined,
    },
    (csrf) => html`<h1>Connect an application to ${site}</h1>
        <p id="authorize-intro">
          <strong id="authorize-app-name">${appName}</strong> asks to use your account on
          <strong id="authorize-site">${site}</strong> (${siteHost}) through the API. The name is
          the application’s own claim: approve only if you started this yourself and trust it.
        </p>
        <p id="authorize-account">
          It will act as <strong>${user.login}</strong> (${ROLE_LABELS[user.role]}). Not you?
          <a href="/logout">Sign out</a>.
        </p>
        ${authorize.appId ? html`<p class="muted">Application ID: <code id="authorize-app-id">${authorize.appId}</code></p>` : ''}
        <h2 id="authorize-access-heading">What it may reach</h2>
        <ul id="authorize-access">
          <li>${contentOnly ? 'Content only: posts, pages, categories, tags and media.' : html`Everything your account can do as ${ROLE_LABELS[user.role]}, unless you choose content only below.`}</li>
          ${authorize.services.length > 0 ? html`<li>Only these services behind forward authentication: ${authorize.services.join(', ')}.</li>` : ''}
          <li>Until you revoke its application password on your account page, or until the expiry date you may set below. It never works on the sign-in form.</li>
        </ul>
        <form class="stack" method="post" action="${action}" id="authorize-form">
          <input type="hidden" name="_csrf" value="${csrf}" />
          <input type="hidden" name="app_id" value="${authorize.appId}" />
          <input type="hidden" name="success_url" value="${authorize.successUrl}" />
          <input type="hidden" name="reject_url" value="${authorize.rejectUrl}" />
          <input type="hidden" name="requested_scope" value="${authorize.scope ?? ''}" />
          <input type="hidden" name="response_type" value="${authorize.responseType}" />
          <input type="hidden" name="code_challenge" value="${authorize.codeChallenge}" />
          <input type="hidden" name="requested_services" value="${authorize.services.join(',')}" />
          <div class="field">
            <label for="app_name">Name of its application password</label>
            ${nameChanged ? html`<p class="hint" id="app-name-note">${cleaned ? 'The name the application sent held markup, which was removed.' : 'The name the application sent held only markup, so it was removed: enter a name you will recognise.'}</p>` : ''}
            <input type="text" id="app_name" name="app_name" value="${values.name}" maxlength="255" required
              ${nameChanged || name.id ? html`aria-describedby="${[nameChanged ? 'app-name-note' : '', name.id].filter(Boolean).join(' ')}"` : ''} ${name.invalid} />
            ${name.message}
          </div>
          <label>What it may reach
            <select name="scope" id="authorize-scope" ${scope.id ? html`aria-describedby="${scope.id}"` : ''} ${scope.invalid}>
              ${contentOnly ? '' : html`<option value="full" ${values.scope !== 'content' ? html`selected` : ''}>Everything your account can do</option>`}
              <option value="content" ${contentOnly || values.scope === 'content' ? html`selected` : ''}>Content only: posts, pages, categories, tags, media</option>
            </select></label>
          ${scope.message}
          ${contentOnly ? html`<p class="muted" id="authorize-scope-note">The application asked for content only; it cannot be given more here.</p>` : ''}
          ${
            authorize.services.length > 0
              ? html`<fieldset id="authorize-services" ${services.id ? html`aria-describedby="${services.id}"` : ''}><legend>Services it may enter (the application asked for these; untick to narrow, it cannot be given more)</legend>
                ${authorize.services.map((slug) => html`<label class="check"><input type="checkbox" name="services" value="${slug}" ${(values.services ?? authorize.services).includes(slug) ? html`checked` : ''}> ${slug}</label>`)}
                ${services.message}
              </fieldset>`
              : ''
          }
          <div class="field">
            <label for="authorize-expires">Expires (optional)</label>
            <p class="hint" id="authorize-expires-hint">It works through the end of that day (UTC). Empty: until you revoke it.</p>
            <input type="date" name="expires" id="authorize-expires" min="${today}" value="${values.expires}" aria-describedby="authorize-expires-hint${expires.id ? ` ${expires.id}` : ''}" ${expires.invalid} />
            ${expires.message}
          </div>
          <div class="choices" id="authorize-choices">
            <button type="submit" name="approve" value="1" id="approve" aria-describedby="description-approve">Approve</button>
            <button type="submit" name="reject" value="1" class="secondary" id="reject" formnovalidate aria-describedby="description-reject">Deny</button>
          </div>
          ${destinations(approveTo, rejectTo)}
        </form>`,
  );
}

/** Where each choice leads, under the two buttons rather than between them. */
function destinations(approveTo: string, rejectTo: string): Html {
  return html`<p class="muted" id="description-approve">
            ${
              approveTo
                ? html`Approve: you will be sent to <code id="approve-destination">${approveTo}</code>`
                : html`Approve: the new application password is shown to you once, on the next page.`
            }
          </p>
          <p class="muted" id="description-reject">Deny: you will be sent to <code id="reject-destination">${rejectTo}</code></p>`;
}

/** Where approving sends the browser, with a placeholder where the secret will be. */
function approvePreview(ctx: AppContext, authorize: AuthorizeRequest, userLogin: string): string {
  if (!authorize.successUrl) return '';
  const secretLabel = authorize.responseType === 'code' ? '[one-time code]' : '[------]';
  return approveDestination(authorize, {
    siteUrl: ctx.config.siteUrl,
    userLogin,
    secret: 'SECRET',
  }).replace(/SECRET(#|$)/, `${secretLabel}$1`);
}
