import { findApplicationPassword, type ApplicationPassword } from '../../../app-passwords/index.js';
import { can, findUserById, type User } from '../../../accounts/index.js';
import type { AppContext } from '../../../context.js';
import { readSettings } from '../../../settings/index.js';
import { HttpError } from '../../errors.js';
import { applicationPasswordsAvailableFor } from '../auth.js';
import type { Permission, RestRequest } from '../registry.js';
import { denied } from '../denied.js';
import { DENIALS } from './specs.js';

const owners = new WeakMap<RestRequest, Promise<User>>();

/**
 * The user whose passwords the route names, looked up once per request. The order of checks is
 * WordPress's: availability, `me` signed out, unknown user, then capability.
 */
export const ownerOf = (ctx: AppContext, req: RestRequest): Promise<User> => {
  let p = owners.get(req);
  if (!p) {
    p = findOwner(ctx, req);
    owners.set(req, p);
  }
  return p;
};

async function findOwner(ctx: AppContext, req: RestRequest): Promise<User> {
  if (!(await applicationPasswordsAvailableFor(ctx, req.raw))) {
    throw new HttpError(
      501,
      'application_passwords_disabled',
      'Application passwords are not available.',
    );
  }
  const id = req.args.user_id;
  let owner: User | undefined;
  if (id === 'me') {
    if (!req.auth.user)
      throw new HttpError(401, 'rest_not_logged_in', 'You are not currently logged in.');
    owner = req.auth.user;
  } else owner = await findUserById(ctx.db, Number(id));
  if (!owner) throw new HttpError(404, 'rest_user_invalid_id', 'Invalid user ID.');
  if ((await readSettings(ctx.db)).applicationPasswordsDisabledRoles.includes(owner.role)) {
    throw new HttpError(
      501,
      'application_passwords_disabled_for_user',
      'Application passwords are not available for your account. Please contact the site administrator for assistance.',
    );
  }
  return owner;
}

/** A permission check on the owner; refusals while finding the owner are answered, not thrown. */
export const ownerPermission =
  (ctx: AppContext, check: (req: RestRequest, owner: User) => true | HttpError): Permission =>
  async (req) => {
    try {
      return check(req, await ownerOf(ctx, req));
    } catch (error) {
      if (error instanceof HttpError) return error;
      throw error;
    }
  };

/** Allowed when the signed-in user holds the capability over the owner; WordPress's refusal if not. */
export const allow = (ctx: AppContext, capability: keyof typeof DENIALS): Permission =>
  ownerPermission(ctx, (req, owner) => {
    const actor = req.auth.user;
    return actor && can(actor, { capability, user: owner })
      ? true
      : denied(req, DENIALS[capability][0], DENIALS[capability][1]);
  });

/** The password the route's uuid names, with its last use folded in; 404 if the owner has none. */
export async function requireRecord(
  ctx: AppContext,
  req: RestRequest,
  owner: User,
): Promise<ApplicationPassword> {
  const record = await findApplicationPassword(ctx.db, owner.id, String(req.args.uuid));
  if (!record)
    throw new HttpError(
      404,
      'rest_application_password_not_found',
      'Application password not found.',
    );
  return ctx.lastUsed.overlay(record);
}
