import type { FastifyInstance } from 'fastify';
import { requestPasswordReset } from '../../../account-links/index.js';
import { assertFormCsrf, sessionOf } from '../../browserAuth.js';
import { accountLinkDeps, linkOrigin } from '../../accountLinks.js';
import { addressLimitKey, clientIp } from '../../clientAddress.js';
import type { AppContext } from '../../../context.js';
import { html, type Html } from '../../html.js';
import { formFields, formText } from '../formFields.js';
import { sendPage } from '../render.js';
import { checkYourEmailPage, tooManyRequestsPage } from './linkPages.js';

export const LOST_PASSWORD_PATH = '/login/lost-password';

/** The one answer, whether or not the account exists (SPEC §12: no enumeration). */
export const RESET_REQUESTED =
  'If that account exists, we emailed a link to it. The link works once, within one hour.';

/** `/login/lost-password`: asks for a login or email, and mails a reset link when one matches. */
export function registerLostPassword(app: FastifyInstance, ctx: AppContext): void {
  app.get(LOST_PASSWORD_PATH, async (request, reply) =>
    sendPage(ctx, request, reply, { title: 'Lost password' }, (csrf) => lostPasswordForm(csrf)),
  );

  app.post(LOST_PASSWORD_PATH, async (request, reply) => {
    const signedIn = await sessionOf(ctx, request);
    assertFormCsrf(ctx, request, signedIn);
    const log = formText(formFields(request).user_login).trim().slice(0, 254);
    if (log === '')
      return sendPage(
        ctx,
        request,
        reply,
        {
          title: 'Lost password',
          status: 400,
          flash: { kind: 'error', text: 'Enter your username or email address.' },
        },
        (csrf) => lostPasswordForm(csrf),
      );
    const limit = await ctx.limiters.accountMail.address(addressLimitKey(clientIp(request)));
    if (!limit.allowed) return tooManyRequestsPage(ctx, request, reply, limit.retryAfterSeconds);
    await requestPasswordReset(accountLinkDeps(ctx), {
      log,
      origin: linkOrigin(request, signedIn?.session.id),
    });
    return checkYourEmailPage(ctx, request, reply, RESET_REQUESTED);
  });
}

function lostPasswordForm(csrf: string): Html {
  return html` <h1>Lost your password?</h1>
      <p>Enter your username or email address. If an account matches, we email it a link to choose a new password.</p>
      <form class="stack" method="post" action="${LOST_PASSWORD_PATH}" id="lostpasswordform">
        <input type="hidden" name="_csrf" value="${csrf}" />
        <label
          >Username or email
          <input type="text" name="user_login" id="user_login" autocomplete="username" maxlength="254" required autofocus
        /></label>
        <button type="submit" id="wp-submit">Email me a link</button>
      </form>
      <p><a href="/login">← Back to sign in</a></p>`;
}
