import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../../accounts/index.js';
import {
  PROVIDER_LABELS,
  PROVIDER_SWITCH_LABELS,
  availableProviders,
  type LoginChallenge,
  type ProviderId,
} from '../../../two-factor/index.js';
import type { SignedIn } from '../../browserAuth.js';
import { clientIp } from '../../clientAddress.js';
import type { AppContext } from '../../../context.js';
import { html, type Html } from '../../html.js';
import type { PageChrome } from '../../layout.js';
import { sendPage } from '../render.js';
import { WEBAUTHN_HEAD } from '../webauthnHead.js';

export interface SecondFactorPageState {
  user: User;
  token: string;
  challenge: LoginChallenge;
  provider: ProviderId;
  signedIn?: SignedIn | undefined;
  status?: number;
  flash?: PageChrome['flash'];
  resend?: boolean;
  /** Too many wrong codes: seconds until the next try is counted (shown counting down). */
  waitSeconds?: number;
  /** The last code or key was wrong. */
  wrongAnswer?: boolean;
  /** The wait is the address's (too many failed credentials from it), not this account's. */
  addressLimited?: boolean;
}

/** The second-factor page: the chosen method's form, and the other methods as buttons. */
export async function showSecondFactorPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  state: SecondFactorPageState,
): Promise<FastifyReply> {
  const { user, provider } = state;
  const facts = await ctx.twoFactor.facts(user);
  const available = availableProviders(facts);
  const flash = provider === 'email' ? await offerEmailCode(ctx, request, state) : state.flash;
  const webauthnOptions =
    provider === 'webauthn'
      ? JSON.stringify(await ctx.twoFactor.webauthnAuthenticationOptions(user, state.challenge))
      : undefined;
  return sendPage(
    ctx,
    request,
    reply,
    {
      title: 'Two-factor authentication',
      status: state.status ?? 200,
      flash,
      signedIn: state.signedIn,
      signingInAs: user.login,
      ...(provider === 'webauthn' ? { head: WEBAUTHN_HEAD } : {}),
    },
    (csrf) => secondFactorForms({ csrf, state, available, webauthnOptions }),
  );
}

/** Sends the email code (unless one went out a moment ago) and says what happened. */
async function offerEmailCode(
  ctx: AppContext,
  request: FastifyRequest,
  state: SecondFactorPageState,
): Promise<PageChrome['flash']> {
  const sent = await ctx.twoFactor.offerEmailCode(
    state.user,
    clientIp(request),
    state.resend ?? false,
  );
  if (state.resend) {
    return sent.sent
      ? { kind: 'notice', text: 'A new code was sent.' }
      : {
          kind: 'error',
          text:
            'retryAfterSeconds' in sent
              ? `You can ask for another code in ${sent.retryAfterSeconds} seconds.`
              : 'A code was already sent.',
        };
  }
  if (!sent.sent && 'retryAfterSeconds' in sent && !state.flash) {
    return {
      kind: 'notice',
      text: `Use the code sent earlier; you can ask for another in ${sent.retryAfterSeconds} seconds.`,
    };
  }
  return state.flash;
}

function secondFactorForms(options: {
  csrf: string;
  state: SecondFactorPageState;
  available: ProviderId[];
  webauthnOptions: string | undefined;
}): Html {
  const { csrf, available, webauthnOptions } = options;
  const { user, token, provider } = options.state;
  const hidden = (csrf: string, p: ProviderId) => html`
    <input type="hidden" name="_csrf" value="${csrf}">
    <input type="hidden" name="challenge" value="${token}">
    <input type="hidden" name="provider" value="${p}">`;
  const others = available.filter((p) => p !== provider);
  const wait = options.state.waitSeconds;
  const why = options.state.addressLimited
    ? 'Too many failed attempts from your address.'
    : options.state.wrongAnswer
      ? 'Invalid code.'
      : 'Too many wrong codes.';
  // The count runs in the page's script, which also holds Verify back until it reaches zero;
  // without the script the wait reads as text and the server still refuses an early try.
  const waitNote =
    wait !== undefined && wait > 0
      ? html`<p class="error" role="alert" id="two-factor-wait">${why} You can try again in <span data-countdown="${wait}" data-countdown-form="two-factor-form" id="two-factor-wait-left">${waitText(wait)}</span>.</p>`
      : options.state.wrongAnswer
        ? html`<p class="error" role="alert" id="two-factor-wait">${why}</p>`
        : '';
  return html`
    <h1>Two-factor authentication</h1>
    <p class="muted">Signing in as <strong>${user.login}</strong> with ${PROVIDER_LABELS[provider].toLowerCase()}. Not you? <a href="/login" id="use-another-account">Use another account</a>.</p>
    ${waitNote}
    <form class="stack" method="post" action="/login/two-factor" id="two-factor-form" data-provider="${provider}">
      ${hidden(csrf, provider)}
      ${
        provider === 'webauthn'
          ? html`<input type="hidden" name="webauthn_response" id="webauthn-response" value="">
          <div id="webauthn-sign-in" data-options="${webauthnOptions ?? ''}"></div>
          <p>Insert or touch your security key, then choose the button.</p>
          <button type="button" id="use-security-key">Use security key</button>
          <noscript><p class="error">Security keys need JavaScript. Choose another method below.</p></noscript>`
          : html`<label for="authcode">${provider === 'totp' ? 'Code from your authenticator app' : provider === 'email' ? 'Code from the email we sent (valid 10 minutes)' : 'Recovery code'}</label>
            <input type="text" name="code" id="authcode" inputmode="numeric" autocomplete="one-time-code" autofocus required${wait ? html` aria-describedby="two-factor-wait"` : ''}>
          <button type="submit" id="verify-code">Verify</button>`
      }
    </form>
    ${
      provider === 'email'
        ? html`<form method="post" action="/login/two-factor" class="actions">${hidden(csrf, 'email')}<input type="hidden" name="resend" value="1"><button type="submit" class="secondary" id="resend-code">Resend code</button></form>`
        : ''
    }
    ${
      others.length > 0
        ? html`<h2>Other methods</h2>
        <div class="choices">${others.map((p) => html`<form method="post" action="/login/two-factor">${hidden(csrf, p)}<button type="submit" class="secondary" data-switch="${p}">${PROVIDER_SWITCH_LABELS[p]}</button></form>`)}</div>`
        : ''
    }`;
}

/** "1 second", "42 seconds", "2 min 5 s": what the wait reads before (or without) the script. */
export function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}
