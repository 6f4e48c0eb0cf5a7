import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  SET_PASSWORD_PATH,
  checkPasswordLink,
  setPasswordWithLink,
  type LinkPurpose,
} from '../../../account-links/index.js';
import { MIN_PASSWORD_LENGTH } from '../../../accounts/index.js';
import { listApplicationPasswords } from '../../../app-passwords/index.js';
import { assertFormCsrf, clearSessionCookie, sessionOf } from '../../browserAuth.js';
import { accountLinkDeps, linkOrigin } from '../../accountLinks.js';
import type { AppContext } from '../../../context.js';
import { NEW_PASSWORD_RULE } from '../account/passwordSection.js';
import { html, type Html } from '../../html.js';
import { formField, type FieldError } from '../fieldError.js';
import { formFields, formText } from '../formFields.js';
import { sendPage } from '../render.js';
import { refusedLinkPage } from './linkPages.js';

interface SetPasswordView {
  key: string;
  login: string;
  purpose: LinkPurpose;
  /** How many application passwords the account has (the offer to revoke them). */
  appPasswords: number;
}

/**
 * `/login/reset-password?key=…&login=…` (WordPress's `action=rp`): the page a reset, invitation
 * or registration link opens. Showing it spends nothing (mail scanners open links); the form's
 * submission spends the link, once.
 */
export function registerSetPassword(app: FastifyInstance, ctx: AppContext): void {
  app.get(SET_PASSWORD_PATH, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const key = formText(query.key);
    const login = formText(query.login);
    const check = await checkPasswordLink(accountLinkDeps(ctx), key, login);
    if (!check.ok) return refusedLinkPage(ctx, request, reply, check.state, 'password');
    const appPasswords = (await listApplicationPasswords(ctx.db, check.user.id)).length;
    return showForm(ctx, request, reply, {
      key,
      login: check.user.login,
      purpose: check.link.purpose,
      appPasswords,
    });
  });

  app.post(SET_PASSWORD_PATH, async (request, reply) => {
    const signedIn = await sessionOf(ctx, request);
    assertFormCsrf(ctx, request, signedIn);
    const body = formFields(request);
    const key = formText(body.key);
    const login = formText(body.login);
    const result = await setPasswordWithLink(accountLinkDeps(ctx), {
      key,
      login,
      password: formText(body.pass1),
      confirm: formText(body.pass2),
      revokeApplicationPasswords: formText(body.revoke_app_passwords) === 'yes',
      origin: linkOrigin(request, signedIn?.session.id),
    });
    if (!result.ok && 'state' in result)
      return refusedLinkPage(ctx, request, reply, result.state, 'password');
    if (!result.ok) {
      const check = await checkPasswordLink(accountLinkDeps(ctx), key, login);
      if (!check.ok) return refusedLinkPage(ctx, request, reply, check.state, 'password');
      const appPasswords = (await listApplicationPasswords(ctx.db, check.user.id)).length;
      const view = { key, login: check.user.login, purpose: check.link.purpose, appPasswords };
      // The repeat is at fault when the two differ; otherwise the rule refused the new one.
      const field = formText(body.pass1) !== formText(body.pass2) ? 'pass2' : 'pass1';
      return showForm(ctx, request, reply, view, { field, text: result.problem });
    }
    // Every session of the account was ended, and its credentials may sit in caches.
    await ctx.invalidation.userChanged(result.user.id);
    for (const uuid of result.revoked) ctx.lastUsed.forget(uuid);
    if (signedIn?.user.id === result.user.id) clearSessionCookie(ctx, request, reply);
    return reply.redirect(
      `/login?notice=${result.purpose === 'reset' ? 'password_reset' : 'password_set'}`,
      303,
    );
  });
}

function showForm(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  view: SetPasswordView,
  error?: FieldError,
): Promise<FastifyReply> {
  const reset = view.purpose === 'reset';
  return sendPage(
    ctx,
    request,
    reply,
    {
      title: reset ? 'Choose a new password' : 'Set your password',
      status: error ? 400 : 200,
    },
    (csrf) => setPasswordForm(csrf, view, error),
  );
}

function setPasswordForm(csrf: string, view: SetPasswordView, error?: FieldError): Html {
  const reset = view.purpose === 'reset';
  return html` <h1>${reset ? 'Choose a new password' : 'Set your password'}</h1>
      <p>For the account <strong id="link-login">${view.login}</strong>. A long phrase is easiest to remember.</p>
      <form class="stack" method="post" action="${SET_PASSWORD_PATH}" id="resetpassform" novalidate>
        <input type="hidden" name="_csrf" value="${csrf}" />
        <input type="hidden" name="key" value="${view.key}" />
        <input type="hidden" name="login" value="${view.login}" />
        <input type="text" name="username" value="${view.login}" autocomplete="username" hidden />
        ${formField({ id: 'pass1', name: 'pass1', label: 'New password', rule: NEW_PASSWORD_RULE, error, control: (attrs) => html`<input type="password" ${attrs} autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" maxlength="1024" required ${error ? '' : html`autofocus`} />` })}
        ${formField({ id: 'pass2', name: 'pass2', label: 'Repeat new password', error, control: (attrs) => html`<input type="password" ${attrs} autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" maxlength="1024" required />` })}
        ${
          reset && view.appPasswords > 0
            ? html`<label class="check"
          ><input type="checkbox" name="revoke_app_passwords" id="revoke_app_passwords" value="yes" />
          Also revoke all ${view.appPasswords} application password${view.appPasswords === 1 ? '' : 's'} of this account (every connected app must be connected again)</label
        >`
            : ''
        }
        ${
          reset
            ? html`<p class="muted">Every session of this account will be signed out. If the account uses two-factor authentication, the second factor is still asked at the next sign-in.</p>`
            : html`<p class="muted">Then sign in with the username <strong>${view.login}</strong> and this password.</p>`
        }
        <button type="submit" id="set-password">${reset ? 'Reset password' : 'Set password'}</button>
      </form>`;
}
