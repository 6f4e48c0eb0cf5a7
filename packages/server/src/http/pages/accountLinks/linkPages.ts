import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LinkState } from '../../../account-links/index.js';
import type { AppContext } from '../../../context.js';
import { html, type Html } from '../../html.js';
import { sendPage } from '../render.js';

export type RefusedLink = Exclude<LinkState, 'valid'> | 'disabled';

const REASONS: Record<RefusedLink, string> = {
  used: 'This link was already used. Each link works only once.',
  expired: 'This link has expired.',
  superseded:
    'This link was replaced by a newer one, or cancelled. Use the link in the most recent email.',
  unknown:
    'This link is not valid. Check that you opened the whole address from the email, or ask for a new one.',
  disabled: 'This account is disabled. Contact an administrator.',
};

/** A link that cannot be used: 400, the reason in words, and where to get a new one. */
export function refusedLinkPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  state: RefusedLink,
  next: 'password' | 'email',
): Promise<FastifyReply> {
  return sendPage(ctx, request, reply, { title: 'Link not valid', status: 400 }, () => {
    const retry: Html =
      state === 'disabled'
        ? html``
        : next === 'password'
          ? html`<p class="actions">
              <a href="/login/lost-password" class="button" id="request-new-link">Email me a new link</a>
              <a href="/login">Sign in</a>
            </p>`
          : html`<p><a href="/account#profile" class="button">Back to your account</a></p>`;
    return html` <h1>This link cannot be used</h1>
          <p class="error" role="alert" id="link-refused" data-reason="${state}">${REASONS[state]}</p>
          ${retry}`;
  });
}

/** The answer of the signed-out forms that mail a link: the same whatever happened. */
export function checkYourEmailPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  text: string,
): Promise<FastifyReply> {
  return sendPage(
    ctx,
    request,
    reply,
    { title: 'Check your email' },
    () => html` <h1>Check your email</h1>
          <p class="notice" role="status" id="check-your-email">${text}</p>
          <p><a href="/login">Back to sign in</a></p>`,
  );
}

/** 429 when the client address sent too many requests (SPEC §7): says nothing about an account. */
export function tooManyRequestsPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  retryAfterSeconds: number,
): Promise<FastifyReply> {
  reply.header('retry-after', String(retryAfterSeconds));
  return sendPage(
    ctx,
    request,
    reply,
    { title: 'Too many requests', status: 429 },
    () => html` <h1>Too many requests</h1>
          <p class="error" role="alert">Too many requests from your address. Try again in ${retryAfterSeconds} seconds.</p>`,
  );
}
