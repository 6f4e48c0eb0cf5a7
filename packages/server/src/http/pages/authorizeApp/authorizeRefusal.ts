import type { FastifyRequest } from 'fastify';
import { can } from '../../../accounts/index.js';
import { isAppIdBlocked } from '../../../app-passwords/index.js';
import type { AuthorizeRequest } from '../../../authorize-app/index.js';
import { readSettings } from '../../../settings/index.js';
import type { SignedIn } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { applicationPasswordsAvailableFor } from '../../rest/auth.js';

/**
 * The checks that stand between a valid request and the screen, in order: the app is not
 * blocked, application passwords are available to this user, and they may create one.
 * Returns the refusal, if any. (Not a reply: a Fastify reply is thenable, so awaiting a
 * function that returns one yields undefined once it has been sent.)
 */
export async function authorizeRefusal(
  ctx: AppContext,
  request: FastifyRequest,
  signedIn: SignedIn,
  authorize: AuthorizeRequest,
): Promise<{ status: number; message: string } | undefined> {
  if (await isAppIdBlocked(ctx.db, authorize.appId))
    return {
      status: 403,
      message: 'This application has been blocked by the site administrator.',
    };
  if (!(await applicationPasswordsAvailableFor(ctx, request)))
    return { status: 501, message: 'Application passwords are not available.' };
  if ((await readSettings(ctx.db)).applicationPasswordsDisabledRoles.includes(signedIn.user.role))
    return {
      status: 501,
      message:
        'Application passwords are not available for your account. Please contact the site administrator for assistance.',
    };
  if (!can(signedIn.user, { capability: 'create_app_password', user: signedIn.user }))
    return {
      status: 403,
      message: 'Sorry, you are not allowed to create application passwords for this user.',
    };
  return undefined;
}
