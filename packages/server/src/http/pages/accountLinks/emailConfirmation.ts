import type { FastifyInstance } from 'fastify';
import {
  CONFIRM_EMAIL_PATH,
  cancelEmailChange,
  checkEmailChangeLink,
  confirmEmailChange,
} from '../../../account-links/index.js';
import { assertFormCsrf, sessionOf } from '../../browserAuth.js';
import { accountLinkDeps, linkOrigin } from '../../accountLinks.js';
import type { AppContext } from '../../../context.js';
import { html } from '../../html.js';
import { formFields, formText } from '../formFields.js';
import { requireSignedIn, sendPage } from '../render.js';
import { refusedLinkPage } from './linkPages.js';

/**
 * The link mailed to a new address (SPEC §12): opening it shows what will change, and the
 * button spends it (a GET never changes anything: mail scanners open links). Cancelling a
 * pending change is a form on /account.
 */
export function registerEmailConfirmation(app: FastifyInstance, ctx: AppContext): void {
  app.get(CONFIRM_EMAIL_PATH, async (request, reply) => {
    const key = formText((request.query as Record<string, unknown>).key);
    const check = await checkEmailChangeLink(accountLinkDeps(ctx), key);
    if (!check.ok) return refusedLinkPage(ctx, request, reply, check.state, 'email');
    const { user, link } = check;
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'Confirm your new email address' },
      (csrf) => html` <h1>Confirm your new email address</h1>
          <p>The account <strong>${user.login}</strong> moves from <strong>${user.email}</strong> to <strong id="new-email">${link.newEmail}</strong>.</p>
          <form class="stack" method="post" action="${CONFIRM_EMAIL_PATH}" id="confirm-email-form">
            <input type="hidden" name="_csrf" value="${csrf}" />
            <input type="hidden" name="key" value="${key}" />
            <button type="submit" id="confirm-email">Confirm new address</button>
          </form>`,
    );
  });

  app.post(CONFIRM_EMAIL_PATH, async (request, reply) => {
    const signedIn = await sessionOf(ctx, request);
    assertFormCsrf(ctx, request, signedIn);
    const result = await confirmEmailChange(
      accountLinkDeps(ctx),
      formText(formFields(request).key),
      linkOrigin(request, signedIn?.session.id),
    );
    if (!result.ok && 'state' in result)
      return refusedLinkPage(ctx, request, reply, result.state, 'email');
    if (!result.ok)
      return sendPage(
        ctx,
        request,
        reply,
        { title: 'Email address not changed', status: 409 },
        () => html` <h1>Email address not changed</h1>
          <p class="error" role="alert">${result.problem}</p>`,
      );
    await ctx.invalidation.userChanged(result.user.id);
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'Email address changed' },
      () => html` <h1>Email address changed</h1>
          <p class="notice" role="status" id="email-changed">The account ${result.user.login} now uses ${result.user.email}. We told the previous address.</p>
          <p><a href="/account">Your account</a></p>`,
    );
  });

  app.post('/account/email/cancel', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    await cancelEmailChange(
      accountLinkDeps(ctx),
      signedIn.user,
      linkOrigin(request, signedIn.session.id),
    );
    return reply.redirect('/account?done=email_change_cancelled#profile', 303);
  });
}
