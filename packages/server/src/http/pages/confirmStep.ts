import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignedIn } from '../browserAuth.js';
import type { AppContext } from '../../context.js';
import { html, type Html } from '../html.js';
import { sendPage } from './render.js';

/** What a confirmation step says and where its one button posts. */
export interface ConfirmStep {
  /** The question, naming the item: `Revoke “Phone”?`. */
  question: string;
  /** What happens, in a sentence or two. */
  consequences: Html;
  /** Where the confirming form posts (the action's own route). */
  action: string;
  /** The button's words, e.g. "Revoke Phone". */
  button: string;
  buttonId: string;
  /** Where "Cancel" leads, back to the item. */
  cancel: string;
  /** Destructive (red button); otherwise the plain main action. Default true. */
  danger?: boolean;
}

/**
 * A page of its own that asks before something is revoked, disabled, regenerated or removed.
 * The list's button is a link to it, so the step works without JavaScript; the confirming form
 * posts `confirm=yes` to the route that acts.
 */
export function sendConfirmStep(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: SignedIn,
  step: ConfirmStep,
): Promise<FastifyReply> {
  return sendPage(
    ctx,
    request,
    reply,
    { title: step.question, signedIn },
    (csrf) => html`<h1 id="confirm-question">${step.question}</h1>
      <p id="confirm-consequences">${step.consequences}</p>
      <form method="post" action="${step.action}" id="confirm-form" class="actions">
        <input type="hidden" name="_csrf" value="${csrf}" />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="${step.danger === false ? '' : 'danger'}" id="${step.buttonId}">${step.button}</button>
        <a href="${step.cancel}" id="confirm-cancel">Cancel</a>
      </form>`,
  );
}
