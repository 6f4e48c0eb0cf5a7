import type { FastifyReply, FastifyRequest } from 'fastify';
import { ROLE_LABELS } from '../../../accounts/index.js';
import {
  approveDestination,
  rejectDestination,
  type AuthorizeRequest,
} from '../../../authorize-app/index.js';
import type { SignedIn } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { html } from '../../html.js';
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
}

/**
 * The screen: who asks, as which account, what it may reach, and where each button leads.
 * `action` is the address it was opened at (both of WordPress's are served).
 */
export function authorizeScreen(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: SignedIn,
  authorize: AuthorizeRequest,
  action: string,
  values: AuthorizeScreenValues,
): Promise<FastifyReply> {
  const user = signedIn.user;
  const approveTo = approvePreview(ctx, authorize, user.login);
  const rejectTo = rejectDestination(authorize);
  const contentOnly = authorize.scope === 'content';
  const today = new Date(ctx.now()).toISOString().slice(0, 10);
  reply.header('content-security-policy', authorizePageCsp(authorize));
  return sendPage(
    ctx,
    request,
    reply,
    {
      title: 'Authorize application',
      status: values.error ? 400 : 200,
      signedIn,
      flash: values.error ? { kind: 'error', text: values.error } : undefined,
    },
    (csrf) => html`<h1>Authorize application</h1>
        <h2>Connect an application to your account</h2>
        <p>
          <strong id="authorize-app-name">${authorize.appName || 'An unnamed application'}</strong>
          (the name is the application’s own claim) asks for an application password. Approve only
          if you started this yourself and trust the application: it will be able to act as you
          through the API until you revoke the password.
        </p>
        <p id="authorize-account">
          It will act as your account, <strong>${user.login}</strong>, with the role
          ${ROLE_LABELS[user.role]}. Not you? <a href="/logout">Sign out</a>.
        </p>
        ${authorize.appId ? html`<p class="muted">Application ID: <code id="authorize-app-id">${authorize.appId}</code></p>` : ''}
        <form class="stack" method="post" action="${action}" id="authorize-form">
          <input type="hidden" name="_csrf" value="${csrf}" />
          <input type="hidden" name="app_id" value="${authorize.appId}" />
          <input type="hidden" name="success_url" value="${authorize.successUrl}" />
          <input type="hidden" name="reject_url" value="${authorize.rejectUrl}" />
          <input type="hidden" name="requested_scope" value="${authorize.scope ?? ''}" />
          <input type="hidden" name="response_type" value="${authorize.responseType}" />
          <input type="hidden" name="code_challenge" value="${authorize.codeChallenge}" />
          <input type="hidden" name="requested_services" value="${authorize.services.join(',')}" />
          <label>New application password name
            <input type="text" id="app_name" name="app_name" value="${values.name}" maxlength="255" required /></label>
          <label>What it may reach
            <select name="scope" id="authorize-scope">
              ${contentOnly ? '' : html`<option value="full" ${values.scope !== 'content' ? html`selected` : ''}>Everything your account can do</option>`}
              <option value="content" ${contentOnly || values.scope === 'content' ? html`selected` : ''}>Content only: posts, pages, categories, tags, media</option>
            </select></label>
          ${contentOnly ? html`<p class="muted" id="authorize-scope-note">The application asked for content only; it cannot be given more here.</p>` : ''}
          ${
            authorize.services.length > 0
              ? html`<fieldset id="authorize-services"><legend>Services it may enter (the application asked for these; untick to narrow, it cannot be given more)</legend>
                ${authorize.services.map((slug) => html`<label class="check"><input type="checkbox" name="services" value="${slug}" ${(values.services ?? authorize.services).includes(slug) ? html`checked` : ''}> ${slug}</label>`)}
              </fieldset>`
              : ''
          }
          <label>Expires (optional)
            <input type="date" name="expires" id="authorize-expires" min="${today}" value="${values.expires}" /></label>
          <div>
            <button type="submit" name="approve" value="1" id="approve">Approve and connect</button>
            <p class="muted" id="description-approve">
              ${
                approveTo
                  ? html`You will be sent to <code id="approve-destination">${approveTo}</code>`
                  : html`The new application password will be shown to you once, on the next page.`
              }
            </p>
          </div>
          <div>
            <button type="submit" name="reject" value="1" class="secondary" id="reject" formnovalidate>Deny</button>
            <p class="muted" id="description-reject">You will be sent to <code id="reject-destination">${rejectTo}</code></p>
          </div>
        </form>`,
  );
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
