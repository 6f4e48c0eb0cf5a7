import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../context.js';
import type { Html } from '../../html.js';
import { sendPage } from '../render.js';

/** The challenge is gone, used or not this browser's: the sign-in starts again. */
export const SIGN_IN_EXPIRED = {
  status: 400,
  text: 'Your sign-in expired. Please sign in again.',
};

/** This sign-in cannot go on: the browser starts again from the sign-in page. */
export function signInEndedPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  ended: { status: number; text: string },
  body: (csrf: string) => Html,
): Promise<FastifyReply> {
  const { status, text } = ended;
  return sendPage(
    ctx,
    request,
    reply,
    { title: 'Sign in', status, signedIn: undefined, flash: { kind: 'error', text } },
    body,
  );
}
