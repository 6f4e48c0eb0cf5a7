import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../accounts/index.js';
import type { SignedIn } from '../browserAuth.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../errors.js';
import { requireSignedIn } from './render.js';

/** Signed in (else off to the sign-in page), and holding `capability` (else 403 `refusal`). */
export async function requireCapability(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  capability: string,
  refusal: string,
): Promise<SignedIn | undefined> {
  const signedIn = await requireSignedIn(ctx, request, reply);
  if (!signedIn) return undefined;
  if (!can(signedIn.user, capability)) throw new HttpError(403, 'rest_forbidden', refusal);
  return signedIn;
}
