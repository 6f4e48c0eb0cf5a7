import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  LOW_BACKUP_CODES,
  PROVIDER_LABELS,
  STEP_UP_WINDOW_MS,
  TwoFactorError,
  listWebauthnCredentials,
  type ProviderId,
  type TwoFactorStatus,
} from '../../two-factor/index.js';
import { assertFormCsrf, type SignedIn } from '../browserAuth.js';
import { clientIp } from '../clientAddress.js';
import type { AppContext } from '../../context.js';
import { toHttpError } from '../errors.js';
import { html, raw, type Html } from '../html.js';
import type { PageChrome } from '../layout.js';
import {
  afterBackupCodesGenerated,
  afterTwoFactorDisabled,
  afterTwoFactorEnabled,
  type TwoFactorActor,
} from '../twoFactorEffects.js';
import { formatTime, noticeFor, requireSignedIn, sendPage } from './render.js';
import { WEBAUTHN_HEAD } from './twoFactorSignIn.js';

export const TWO_FACTOR_PAGE = '/account/two-factor';
/** Where a change without a recent sign-in sends the browser first (password, then second factor). */
export const TWO_FACTOR_REAUTH_URL = `/login/reauth?redirect_to=${encodeURIComponent(TWO_FACTOR_PAGE)}`;

const NOTICES = {
  totp_enabled: 'Authenticator app enabled.',
  enrolled: 'Two-factor authentication is set up: you can now use your account.',
  email_enabled: 'Email codes enabled. Your email address is verified.',
  key_added: 'Security key added.',
  primary: 'Primary method saved.',
  totp_disabled: 'Authenticator app disabled. Your other sessions were signed out.',
  email_disabled: 'Email codes disabled. Your other sessions were signed out.',
  backup_codes_disabled: 'Recovery codes disabled. Your other sessions were signed out.',
  key_removed: 'Security key removed. Your other sessions were signed out.',
};

const PROVIDER_NOTICE: Record<ProviderId, keyof typeof NOTICES> = {
  totp: 'totp_disabled',
  email: 'email_disabled',
  backup_codes: 'backup_codes_disabled',
  webauthn: 'key_removed',
};

type Flash = PageChrome['flash'];

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "You have N recovery codes left." when 1–2 remain (SPEC §6.3, §6.4); else nothing. */
export function lowBackupCodesWarning(status: TwoFactorStatus): Html {
  const n = status.backup_codes_remaining;
  if (!status.enabled.includes('backup_codes') || n < 1 || n > LOW_BACKUP_CODES) return html``;
  return html`<p class="error" id="low-recovery-codes"><strong>You have ${plural(n, 'recovery code', 'recovery codes')} left.</strong> <a href="${TWO_FACTOR_PAGE}#backup-codes">Generate new ones</a> before you run out.</p>`;
}

/** One line for /account: on or off, and with what. */
export function twoFactorSummary(status: TwoFactorStatus): Html {
  if (status.enabled.length === 0)
    return html`<span id="two-factor-state">Off</span>: signing in needs only your password.`;
  return html`<span id="two-factor-state">On</span>: ${status.enabled.map((p) => PROVIDER_LABELS[p]).join(', ')}${status.primary ? html` (asked for first: ${PROVIDER_LABELS[status.primary].toLowerCase()})` : ''}.`;
}

/** The secret as authenticator apps show it: groups of four. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

export function registerTwoFactorPages(app: FastifyInstance, ctx: AppContext): void {
  const tf = ctx.twoFactor;
  // WebAuthn's RP ID is the site's host name; browsers refuse an IP address there.
  const siteHost = new URL(ctx.config.siteUrl).hostname;
  const keysNeedDomain = isIP(siteHost.replace(/^\[|\]$/g, '')) !== 0;
  const hidden = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}">`;

  const actor = (request: FastifyRequest, signedIn: SignedIn): TwoFactorActor => ({
    actorId: signedIn.user.id,
    session: signedIn.session,
    ip: clientIp(request),
    userAgent: str(request.headers['user-agent']),
    credential: `session:${signedIn.session.id}`,
  });

  /** After enabling: a session that was limited to enrolment hears that it may go on. */
  const enabledNotice = (signedIn: SignedIn, key: keyof typeof NOTICES) =>
    signedIn.session.enrolmentOnly ? 'enrolled' : key;

  const stale = (signedIn: SignedIn) =>
    ctx.now() - signedIn.session.authenticatedAt > STEP_UP_WINDOW_MS;

  /**
   * Every change: signed in, the session's CSRF token, and a sign-in in the last 10 minutes
   * (else re-authenticate first, then come back here).
   */
  const changing = async (
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<SignedIn | undefined> => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return undefined;
    assertFormCsrf(ctx, request, signedIn);
    if (stale(signedIn)) {
      await reply.redirect(TWO_FACTOR_REAUTH_URL, 303);
      return undefined;
    }
    return signedIn;
  };

  /** A refusal of the two-factor layer as a message on the page, with its HTTP status. */
  const refusal = (reply: FastifyReply, error: unknown): { flash: Flash; status: number } => {
    if (!(error instanceof TwoFactorError)) throw error;
    const http = toHttpError(error)!;
    for (const [k, v] of Object.entries(http.headers)) reply.header(k, v);
    return { flash: { kind: 'error', text: error.message }, status: http.status };
  };

  const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

  // ---- the page ---------------------------------------------------------------------------
  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    signedIn: SignedIn,
    flash?: Flash,
    status = 200,
  ) => {
    const { user, session } = signedIn;
    const st = await tf.status(user);
    const keys = await listWebauthnCredentials(ctx.db, user.id);
    const on = (p: ProviderId) => st.enabled.includes(p);
    const choices = st.enabled.filter((p) => p !== 'backup_codes');
    const fallback = !on('email') && st.available.includes('email');
    const tags = (p: ProviderId) =>
      html`${on(p) ? html`<span class="tag on">On</span>` : html`<span class="tag">Off</span>`}${on(p) && st.primary === p && choices.length > 1 ? html` <span class="tag">Primary</span>` : ''}`;
    const disable = (csrf: string, p: ProviderId, path: string) =>
      html`<form class="inline" method="post" action="${TWO_FACTOR_PAGE}/${path}/disable">${hidden(csrf)}<button type="submit" class="secondary" id="disable-${path}">Disable</button></form>`;

    return sendPage(
      ctx,
      request,
      reply,
      { title: 'Two-factor authentication', status, flash, signedIn, head: WEBAUTHN_HEAD },
      (csrf) => html`
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
      stale(signedIn)
        ? html`<p class="muted" id="reauth-note">You signed in more than 10 minutes ago: changes here ask for your password again first. <a href="${TWO_FACTOR_REAUTH_URL}">Confirm it now</a>.</p>`
        : ''
    }
    ${
      choices.length > 1
        ? html`<form class="actions" method="post" action="${TWO_FACTOR_PAGE}/primary" id="primary-form">${hidden(csrf)}
        <label class="check" for="primary-provider">Asked for first at sign-in:</label>
        <select name="provider" id="primary-provider">${choices.map((p) => html`<option value="${p}"${st.primary === p ? raw(' selected') : ''}>${PROVIDER_LABELS[p]}</option>`)}</select>
        <button type="submit" class="secondary" id="save-primary">Save</button></form>`
        : choices.length === 1
          ? html`<p id="primary-method">Asked for at sign-in: <strong>${PROVIDER_LABELS[choices[0]!]}</strong>.</p>`
          : ''
    }

    <section class="method" id="totp">
      <h2>Authenticator app ${tags('totp')}</h2>
      <p class="muted">Six-digit codes from an app on your phone (Google Authenticator, Aegis, 1Password, …), new every 30 seconds, no network needed.</p>
      ${
        on('totp')
          ? html`<div class="actions">${disable(csrf, 'totp', 'totp')}</div>`
          : html`<form method="post" action="${TWO_FACTOR_PAGE}/totp">${hidden(csrf)}<button type="submit" id="setup-totp">Set up</button></form>`
      }
    </section>

    <section class="method" id="security-keys">
      <h2>Security keys ${tags('webauthn')}</h2>
      <p class="muted">A hardware key (YubiKey, Titan, …) or this device’s own authenticator. You can add several.</p>
      ${keysNeedDomain ? html`<p class="error" id="security-keys-unavailable">Security keys cannot work while the site address is an IP address (${siteHost}): browsers only accept them on a domain name, such as localhost. An administrator can change the site URL.</p>` : ''}
      ${
        keys.length > 0
          ? html`<table id="security-keys-table"><thead><tr><th>Name</th><th>Added</th><th>Last used</th><th></th></tr></thead>
        <tbody>${keys.map(
          (
            k,
          ) => html`<tr data-key="${k.id}"><td>${k.name}</td><td>${formatTime(k.created)}</td><td>${formatTime(k.lastUsed)}</td>
          <td><form class="inline" method="post" action="${TWO_FACTOR_PAGE}/webauthn/${k.id}/remove">${hidden(csrf)}<button type="submit" class="secondary" aria-label="Remove ${k.name}">Remove</button></form></td></tr>`,
        )}</tbody></table>`
          : ''
      }
      <form class="stack" method="post" action="${TWO_FACTOR_PAGE}/webauthn" id="register-security-key">${hidden(csrf)}
        <label>Name of the new key <input type="text" name="name" id="security-key-name" maxlength="100" placeholder="e.g. Blue YubiKey" required></label>
        <div class="actions"><button type="submit" id="add-security-key">Add security key</button>
        <span class="muted" data-webauthn-status aria-live="polite"></span></div>
      </form>
      <noscript><p class="muted">Adding or using a security key needs JavaScript.</p></noscript>
    </section>

    <section class="method" id="email">
      <h2>Email codes ${tags('email')}</h2>
      <p class="muted">An eight-digit code sent to <strong>${user.email}</strong> (${user.emailVerifiedAt === null ? 'not verified yet' : 'verified'}) each time you sign in.</p>
      ${fallback ? html`<p class="muted" id="email-fallback-note">Even while this is off, a code can be emailed to this verified address at sign-in if your other methods are out of reach.</p>` : ''}
      ${
        on('email')
          ? html`<div class="actions">${disable(csrf, 'email', 'email')}</div>`
          : html`<form method="post" action="${TWO_FACTOR_PAGE}/email">${hidden(csrf)}<button type="submit" id="enable-email">Enable</button></form>`
      }
    </section>

    <section class="method" id="backup-codes">
      <h2>Recovery codes ${tags('backup_codes')}</h2>
      <p class="muted">Ten single-use codes for when your other methods are out of reach. Keep them somewhere safe, away from your phone.</p>
      ${
        on('backup_codes')
          ? html`<p id="backup-codes-remaining">${plural(st.backup_codes_remaining, 'code', 'codes')} left.</p>
          <div class="actions"><form class="inline" method="post" action="${TWO_FACTOR_PAGE}/backup-codes">${hidden(csrf)}<button type="submit" id="generate-backup-codes">Generate new codes</button></form>
          ${disable(csrf, 'backup_codes', 'backup-codes')}</div>`
          : html`${choices.length === 0 ? html`<p class="muted">They back up another method: set one up first.</p>` : ''}
          <form method="post" action="${TWO_FACTOR_PAGE}/backup-codes">${hidden(csrf)}<button type="submit" id="generate-backup-codes">Generate recovery codes</button></form>`
      }
    </section>`,
    );
  };

  app.get(TWO_FACTOR_PAGE, async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    return show(
      request,
      reply,
      signedIn,
      noticeFor((request.query as Record<string, unknown>).done, NOTICES),
    );
  });

  app.post(`${TWO_FACTOR_PAGE}/primary`, async (request, reply) => {
    const signedIn = await changing(request, reply);
    if (!signedIn) return reply;
    try {
      await tf.setPrimary(signedIn.user, body(request).provider);
    } catch (error) {
      const r = refusal(reply, error);
      return show(request, reply, signedIn, r.flash, r.status);
    }
    return reply.redirect(`${TWO_FACTOR_PAGE}?done=primary`, 303);
  });

  // ---- authenticator app ------------------------------------------------------------------
  // The QR code's SVG is drawn by the qrcode library from our own otpauth URI: markup we made,
  // never user data, so it is output raw.
  const totpSetupPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    signedIn: SignedIn,
    setup: { secret: string; otpauth_uri: string; qr_svg: string },
    flash?: Flash,
    status = 200,
  ) =>
    sendPage(
      ctx,
      request,
      reply,
      { title: 'Set up an authenticator app', status, flash, signedIn },
      (csrf) => html`
    <h1>Set up an authenticator app</h1>
    <p>1. In your authenticator app, add an account and scan this code:</p>
    <div class="qr" id="totp-qr" role="img" aria-label="QR code of the authenticator key">${raw(setup.qr_svg)}</div>
    <p>2. Or, if you cannot scan it, type this key (time-based, 6 digits, every 30 seconds):</p>
    <p class="actions"><code class="secret" id="totp-secret">${grouped(setup.secret)}</code>
      <button type="button" class="secondary" data-copy-target="totp-secret" id="copy-totp-secret">Copy</button>
      <span class="muted" data-copy-status="totp-secret" aria-live="polite"></span></p>
    <p class="muted">On this device: <a href="${setup.otpauth_uri}" id="totp-uri">open it in an authenticator app</a>.</p>
    <p>3. Enter the code the app shows now:</p>
    <form class="stack" method="post" action="${TWO_FACTOR_PAGE}/totp/confirm" id="confirm-totp-form">${hidden(csrf)}
      <label>Six-digit code <input type="text" name="code" id="totp-code" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required autofocus></label>
      <button type="submit" id="confirm-totp">Verify and enable</button>
    </form>
    <p><a href="${TWO_FACTOR_PAGE}">Cancel</a></p>`,
    );

  app.post(`${TWO_FACTOR_PAGE}/totp`, async (request, reply) => {
    const signedIn = await changing(request, reply);
    if (!signedIn) return reply;
    const setup = await tf.beginTotpSetup(signedIn.user, signedIn.session.id);
    return totpSetupPage(request, reply, signedIn, setup);
  });

  app.post(`${TWO_FACTOR_PAGE}/totp/confirm`, async (request, reply) => {
    const signedIn = await changing(request, reply);
    if (!signedIn) return reply;
    try {
      await tf.confirmTotp(signedIn.user, signedIn.session.id, body(request).code);
    } catch (error) {
      const r = refusal(reply, error);
      const pending = await tf.pendingTotpSetup(signedIn.user, signedIn.session.id);
      return pending
        ? totpSetupPage(request, reply, signedIn, pending, r.flash, r.status)
        : show(request, reply, signedIn, r.flash, r.status);
    }
    await afterTwoFactorEnabled(ctx, actor(request, signedIn), signedIn.user, 'totp');
    return reply.redirect(
      `${TWO_FACTOR_PAGE}?done=${enabledNotice(signedIn, 'totp_enabled')}`,
      303,
    );
  });

  // ---- email codes ------------------------------------------------------------------------
  const emailCodePage = (
    request: FastifyRequest,
    reply: FastifyReply,
    signedIn: SignedIn,
    flash: Flash,
    status = 200,
  ) =>
    sendPage(
      ctx,
      request,
      reply,
      { title: 'Enable email codes', status, flash, signedIn },
      (csrf) => html`
    <h1>Enable email codes</h1>
    <p>To check that mail reaches you, enter the eight-digit code sent to <strong>${signedIn.user.email}</strong>. It is valid for 10 minutes.</p>
    <form class="stack" method="post" action="${TWO_FACTOR_PAGE}/email/confirm" id="confirm-email-form">${hidden(csrf)}
      <label>Code from the email <input type="text" name="code" id="email-code" inputmode="numeric" autocomplete="one-time-code" maxlength="20" required autofocus></label>
      <button type="submit" id="confirm-email">Verify and enable</button>
    </form>
    <form method="post" action="${TWO_FACTOR_PAGE}/email">${hidden(csrf)}<button type="submit" class="secondary" id="resend-email-code">Send another code</button></form>
    <p><a href="${TWO_FACTOR_PAGE}">Cancel</a></p>`,
    );

  app.post(`${TWO_FACTOR_PAGE}/email`, async (request, reply) => {
    const signedIn = await changing(request, reply);
    if (!signedIn) return reply;
    try {
      await tf.sendProofCode(signedIn.user, clientIp(request));
    } catch (error) {
      // Throttled: a code sent a moment ago is still good, so the form stays.
      const r = refusal(reply, error);
      return emailCodePage(request, reply, signedIn, r.flash, r.status);
    }
    return emailCodePage(request, reply, signedIn, {
      kind: 'notice',
      text: `We sent a code to ${signedIn.user.email}.`,
    });
  });

  app.post(`${TWO_FACTOR_PAGE}/email/confirm`, async (request, reply) => {
    const signedIn = await changing(request, reply);
    if (!signedIn) return reply;
    try {
      await tf.confirmProofCode(signedIn.user, body(request).code, true);
    } catch (error) {
      const r = refusal(reply, error);
      return emailCodePage(request, reply, signedIn, r.flash, r.status);
    }
    await afterTwoFactorEnabled(ctx, actor(request, signedIn), signedIn.user, 'email');
    return reply.redirect(
      `${TWO_FACTOR_PAGE}?done=${enabledNotice(signedIn, 'email_enabled')}`,
      303,
    );
  });

  // ---- recovery codes ---------------------------------------------------------------------
  app.post(`${TWO_FACTOR_PAGE}/backup-codes`, async (request, reply) => {
    const signedIn = await changing(request, reply);
    if (!signedIn) return reply;
    let codes: string[];
    try {
      ({ codes } = await tf.regenerateBackupCodes(signedIn.user));
    } catch (error) {
      const r = refusal(reply, error);
      return show(request, reply, signedIn, r.flash, r.status);
    }
    await afterBackupCodesGenerated(ctx, actor(request, signedIn), signedIn.user);
    const text = codes.join('\n') + '\n';
    // Shown in this response only: never in a URL of their own, never stored in clear.
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'Your recovery codes', signedIn },
      () => html`
    <h1>Your recovery codes</h1>
    <p class="error" role="alert"><strong>Save these codes now: they will not be shown again.</strong> Each one signs you in once when your other methods are out of reach. Any codes you had before no longer work.</p>
    <pre class="codes" id="recovery-codes">${codes.join('\n')}</pre>
    <p class="actions">
      <button type="button" class="secondary" data-copy-target="recovery-codes" id="copy-recovery-codes">Copy</button>
      <a class="button" id="download-recovery-codes" download="recovery-codes.txt" href="data:text/plain;charset=utf-8,${encodeURIComponent(text)}">Download .txt</a>
      <span class="muted" data-copy-status="recovery-codes" aria-live="polite"></span>
    </p>
    <p><a href="${TWO_FACTOR_PAGE}" id="recovery-codes-done">Done</a></p>`,
    );
  });

  // ---- security keys ----------------------------------------------------------------------
  // Registering is done by the site script over REST; a browser without JavaScript lands here.
  app.post(`${TWO_FACTOR_PAGE}/webauthn`, async (request, reply) => {
    const signedIn = await changing(request, reply);
    if (!signedIn) return reply;
    return show(
      request,
      reply,
      signedIn,
      { kind: 'error', text: 'Adding a security key needs JavaScript in the browser.' },
      400,
    );
  });

  app.post<{ Params: { id: string } }>(
    `${TWO_FACTOR_PAGE}/webauthn/:id/remove`,
    async (request, reply) => {
      const signedIn = await changing(request, reply);
      if (!signedIn) return reply;
      if (!(await tf.webauthnRemove(signedIn.user, request.params.id)))
        return show(
          request,
          reply,
          signedIn,
          { kind: 'error', text: 'Security key not found.' },
          404,
        );
      await afterTwoFactorDisabled(ctx, actor(request, signedIn), signedIn.user, 'webauthn');
      return reply.redirect(`${TWO_FACTOR_PAGE}?done=key_removed`, 303);
    },
  );

  // ---- disabling --------------------------------------------------------------------------
  for (const [path, provider] of [
    ['totp', 'totp'],
    ['email', 'email'],
    ['backup-codes', 'backup_codes'],
  ] as const) {
    app.post(`${TWO_FACTOR_PAGE}/${path}/disable`, async (request, reply) => {
      const signedIn = await changing(request, reply);
      if (!signedIn) return reply;
      try {
        await tf.disable(signedIn.user, provider);
      } catch (error) {
        const r = refusal(reply, error);
        return show(request, reply, signedIn, r.flash, r.status);
      }
      await afterTwoFactorDisabled(ctx, actor(request, signedIn), signedIn.user, provider);
      return reply.redirect(`${TWO_FACTOR_PAGE}?done=${PROVIDER_NOTICE[provider]}`, 303);
    });
  }
}
