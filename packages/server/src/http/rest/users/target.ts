import { findUserById, isRole, type User } from '../../../accounts/index.js';
import type { AppContext } from '../../../context.js';
import { clientIp } from '../../clientAddress.js';
import { HttpError } from '../../errors.js';
import type { RestRequest } from '../registry.js';

/** Where a request came from, as the user events of the audit trail record it. */
export const requestOrigin = (req: RestRequest) => ({
  ip: clientIp(req.raw),
  userAgent: String(req.raw.headers['user-agent'] ?? ''),
  credential: req.auth.via === 'cookie' ? `session:${req.auth.session?.id}` : req.auth.via,
});

/**
 * Per incoming request (not per RestRequest object: the permission checks behind `Allow` each
 * get their own), by the id the route names.
 */
const resolved = new WeakMap<object, Map<string, Promise<User | HttpError>>>();

async function findTarget(ctx: AppContext, req: RestRequest): Promise<User | HttpError> {
  if (req.args.id === 'me' || req.args.id === undefined) {
    return (
      req.auth.user ?? new HttpError(401, 'rest_not_logged_in', 'You are not currently logged in.')
    );
  }
  const user = await findUserById(ctx.db, Number(req.args.id));
  return user ?? new HttpError(404, 'rest_user_invalid_id', 'Invalid user ID.');
}

/** The user the route names (`me` or an id), or the refusal, looked up once per request. */
export const targetOf = (ctx: AppContext, req: RestRequest) => {
  const key = req.args.id === undefined ? 'me' : String(req.args.id);
  let byId = resolved.get(req.raw);
  if (!byId) resolved.set(req.raw, (byId = new Map()));
  let p = byId.get(key);
  if (!p) byId.set(key, (p = findTarget(ctx, req)));
  return p;
};

export const requireTarget = async (ctx: AppContext, req: RestRequest): Promise<User> => {
  const t = await targetOf(ctx, req);
  if (t instanceof HttpError) throw t;
  return t;
};

/** The first of the roles given, which must exist; undefined when none is. */
export const roleOf = (roles: string[] | undefined): string | undefined => {
  if (!roles || roles.length === 0) return undefined;
  const role = roles[0]!;
  if (!isRole(role))
    throw new HttpError(400, 'rest_user_invalid_role', `The role ${role} does not exist.`);
  return role;
};
