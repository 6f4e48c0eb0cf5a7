import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignedIn } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { requireCapability } from '../requireCapability.js';

/** Signed in, and holding `capability` (list_users, create_users, …) on users; else 403. */
export const requireUserCapability = (
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  capability: string,
): Promise<SignedIn | undefined> =>
  requireCapability(ctx, request, reply, capability, 'Sorry, you are not allowed to manage users.');
