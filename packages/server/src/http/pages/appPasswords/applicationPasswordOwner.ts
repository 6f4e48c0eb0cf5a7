import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, findUserById, type MetaCapabilityArgs, type User } from '../../../accounts/index.js';
import { readSettings } from '../../../settings/index.js';
import type { SignedIn } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { applicationPasswordsAvailableFor } from '../../rest/auth.js';
import { requireSignedIn } from '../render.js';

/** Whose application passwords a page is about, and where its links lead. */
export interface ApplicationPasswordOwner {
  signedIn: SignedIn;
  owner: User;
  /** The owner's application-password routes. */
  base: string;
  /** The page that lists them: /account or /admin/users/{id}. */
  back: string;
}

/**
 * Resolves the owner (the signed-in user on /account, user {id} under /admin/users) and checks
 * the actor's capability on them, then that application passwords are available to the owner.
 */
export async function applicationPasswordOwner(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  capability: Extract<MetaCapabilityArgs, { user: unknown }>['capability'],
): Promise<ApplicationPasswordOwner | undefined> {
  const signedIn = await requireSignedIn(ctx, request, reply);
  if (!signedIn) return undefined;
  const params = request.params as { id?: string };
  const owner =
    params.id === undefined ? signedIn.user : await findUserById(ctx.db, Number(params.id));
  if (!owner) throw new HttpError(404, 'rest_user_invalid_id', 'Invalid user ID.');
  if (!can(signedIn.user, { capability, user: owner })) {
    throw new HttpError(
      403,
      'rest_forbidden',
      'Sorry, you are not allowed to manage application passwords for this user.',
    );
  }
  if (!(await applicationPasswordsAvailableFor(ctx, request))) {
    throw new HttpError(
      501,
      'application_passwords_disabled',
      'Application passwords are not available.',
    );
  }
  if ((await readSettings(ctx.db)).applicationPasswordsDisabledRoles.includes(owner.role)) {
    throw new HttpError(
      501,
      'application_passwords_disabled_for_user',
      'Application passwords are not available for your account. Please contact the site administrator for assistance.',
    );
  }
  const back = params.id === undefined ? '/account' : `/admin/users/${owner.id}`;
  return { signedIn, owner, base: `${back}/application-passwords`, back };
}
