import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthorizeProblem } from '../../../authorize-app/index.js';
import type { SignedIn } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { html } from '../../html.js';
import { sendPage } from '../render.js';

/** The request itself is not allowed: each problem with its field and code. */
export function authorizeProblemsPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: SignedIn,
  problems: AuthorizeProblem[],
): Promise<FastifyReply> {
  return sendPage(
    ctx,
    request,
    reply,
    { title: 'Cannot authorize application', status: 400, signedIn },
    () => html`<h1>Cannot authorize application</h1>
        <p>The Authorize Application request is not allowed.</p>
        <ul id="authorize-problems">
          ${problems.map(
            (p) =>
              html`<li data-field="${p.field}" data-code="${p.code}"><code>${p.field}</code>: ${p.message}</li>`,
          )}
        </ul>
        <p><a href="/account">Go to your account</a></p>`,
  );
}

/** A valid request that this site or this user may not grant (see authorizeRefusal). */
export function authorizeRefusalPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: SignedIn,
  refusal: { status: number; message: string },
): Promise<FastifyReply> {
  const { status, message } = refusal;
  return sendPage(
    ctx,
    request,
    reply,
    { title: 'Cannot authorize application', status, signedIn },
    () => html`<h1>Cannot authorize application</h1>
        <p class="error" role="alert" id="authorize-refusal">${message}</p>
        <p><a href="/account">Go to your account</a></p>`,
  );
}
