import type { FastifyReply, FastifyRequest } from 'fastify';
import { STEP_UP_WINDOW_MS, TwoFactorError } from '../../../two-factor/index.js';
import { assertFormCsrf, type SignedIn } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { toHttpError } from '../../errors.js';
import type { PageChrome } from '../../layout.js';
import type { TwoFactorActor } from '../../twoFactorEffects.js';
import { pageOrigin } from '../pageAudit.js';
import { requireSignedIn } from '../render.js';
import { stepUpDue } from '../stepUp.js';
import { TWO_FACTOR_REAUTH_URL } from './twoFactorPaths.js';

/** Changes to second factors ask for a sign-in in the last 10 minutes. */
export const twoFactorStepUpDue = (ctx: AppContext, signedIn: SignedIn): boolean =>
  stepUpDue(ctx, signedIn, STEP_UP_WINDOW_MS);

/**
 * Every change: signed in, the session's CSRF token, and a sign-in in the last 10 minutes
 * (else re-authenticate first, then come back here).
 */
export async function beginTwoFactorChange(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<SignedIn | undefined> {
  const signedIn = await requireSignedIn(ctx, request, reply);
  if (!signedIn) return undefined;
  assertFormCsrf(ctx, request, signedIn);
  if (twoFactorStepUpDue(ctx, signedIn)) {
    await reply.redirect(TWO_FACTOR_REAUTH_URL, 303);
    return undefined;
  }
  return signedIn;
}

/** Who made a change, for its audit event and the sessions that change with it. */
export function changeActor(request: FastifyRequest, signedIn: SignedIn): TwoFactorActor {
  return { actorId: signedIn.user.id, session: signedIn.session, ...pageOrigin(request, signedIn) };
}

/** A refusal of the two-factor layer as a message on the page, with its HTTP status. */
export function twoFactorRefusal(
  reply: FastifyReply,
  error: unknown,
): { flash: PageChrome['flash']; status: number } {
  if (!(error instanceof TwoFactorError)) throw error;
  const http = toHttpError(error)!;
  for (const [k, v] of Object.entries(http.headers)) reply.header(k, v);
  return { flash: { kind: 'error', text: error.message }, status: http.status };
}
