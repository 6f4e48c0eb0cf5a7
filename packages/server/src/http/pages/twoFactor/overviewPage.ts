import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROVIDER_LABELS, listWebauthnCredentials } from '../../../two-factor/index.js';
import type { SignedIn } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { html, raw } from '../../html.js';
import type { PageChrome } from '../../layout.js';
import { formFields } from '../formFields.js';
import { noticeFor, requireSignedIn, sendPage } from '../render.js';
import { WEBAUTHN_HEAD } from '../webauthnHead.js';
import { lowBackupCodesWarning } from './accountSummary.js';
import { csrfField } from './csrfField.js';
import {
  emailSection,
  recoveryCodesSection,
  securityKeysSection,
  totpSection,
  type MethodsView,
} from './methodSections.js';
import { TWO_FACTOR_NOTICES } from './twoFactorNotices.js';
import { beginTwoFactorChange, twoFactorRefusal, twoFactorStepUpDue } from './twoFactorChange.js';
import { TWO_FACTOR_PAGE, TWO_FACTOR_REAUTH_URL } from './twoFactorPaths.js';

/** `/account/two-factor`: every method's state, and which one is asked for first. */
export function registerTwoFactorOverview(app: FastifyInstance, ctx: AppContext): void {
  app.get(TWO_FACTOR_PAGE, async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    const notice = noticeFor((request.query as Record<string, unknown>).done, TWO_FACTOR_NOTICES);
    return showTwoFactorPage(ctx, request, reply, signedIn, notice);
  });

  app.post(`${TWO_FACTOR_PAGE}/primary`, async (request, reply) => {
    const signedIn = await beginTwoFactorChange(ctx, request, reply);
    if (!signedIn) return reply;
    try {
      await ctx.twoFactor.setPrimary(signedIn.user, formFields(request).provider);
    } catch (error) {
      const r = twoFactorRefusal(reply, error);
      return showTwoFactorPage(ctx, request, reply, signedIn, r.flash, r.status);
    }
    return reply.redirect(`${TWO_FACTOR_PAGE}?done=primary`, 303);
  });
}

/** The two-factor page; the forms posted from it show it again with their refusal. */
export async function showTwoFactorPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: SignedIn,
  flash?: PageChrome['flash'],
  status = 200,
): Promise<FastifyReply> {
  const { user, session } = signedIn;
  const st = await ctx.twoFactor.status(user);
  const keys = await listWebauthnCredentials(ctx.db, user.id);
  const choices = st.enabled.filter((p) => p !== 'backup_codes');
  const fallback = !st.enabled.includes('email') && st.available.includes('email');
  // WebAuthn's RP ID is the site's host name; browsers refuse an IP address there.
  const siteHost = new URL(ctx.config.siteUrl).hostname;
  const keysNeedDomain = isIP(siteHost.replace(/^\[|\]$/g, '')) !== 0;
  return sendPage(
    ctx,
    request,
    reply,
    { title: 'Two-factor authentication', status, flash, signedIn, head: WEBAUTHN_HEAD },
    (csrf) => {
      const view: MethodsView = { csrf, status: st, choices };
      return html`
    <h1>Two-factor authentication</h1>
    ${
      session.enrolmentOnly
        ? html`<div class="notice" id="enrolment-required"><p><strong>Your account requires two-factor authentication.</strong></p>
        <p>Set up an authenticator app, a security key or email codes below. Until you do, this is the only page you can use; then you can continue to your account.</p></div>`
        : html`<p><a href="/account" id="continue-to-account">← Your account</a></p>`
    }
    ${lowBackupCodesWarning(st)}
    <p id="two-factor-status">${
      st.enabled.length === 0
        ? html`Two-factor authentication is <strong>off</strong>: signing in asks only for your password.`
        : html`Two-factor authentication is <strong>on</strong>. Enabled: <span id="enabled-methods">${st.enabled.map((p) => PROVIDER_LABELS[p]).join(', ')}</span>.`
    }</p>
    ${
      twoFactorStepUpDue(ctx, signedIn)
        ? html`<p class="muted" id="reauth-note">You signed in more than 10 minutes ago: changes here ask for your password again first. <a href="${TWO_FACTOR_REAUTH_URL}">Confirm it now</a>.</p>`
        : ''
    }
    ${
      choices.length > 1
        ? html`<form class="actions" method="post" action="${TWO_FACTOR_PAGE}/primary" id="primary-form">${csrfField(csrf)}
        <label class="check" for="primary-provider">Asked for first at sign-in:</label>
        <select name="provider" id="primary-provider">${choices.map((p) => html`<option value="${p}"${st.primary === p ? raw(' selected') : ''}>${PROVIDER_LABELS[p]}</option>`)}</select>
        <button type="submit" class="secondary" id="save-primary">Save</button></form>`
        : choices.length === 1
          ? html`<p id="primary-method">Asked for at sign-in: <strong>${PROVIDER_LABELS[choices[0]!]}</strong>.</p>`
          : ''
    }

    ${totpSection(view)}

    ${securityKeysSection({ ...view, keys, siteHost, keysNeedDomain })}

    ${emailSection({ ...view, user, fallback })}

    ${recoveryCodesSection(view)}`;
    },
  );
}
