import {
  parseCredentialLimits,
  sanitizeApplicationPasswordName,
} from '../../../app-passwords/index.js';
import { isRole, roleRank, type User } from '../../../accounts/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import type { ArgValues } from '../args.js';
import type { RestRequest } from '../registry.js';
import type { WRITE_ARGS } from './specs.js';

/** Creating a credential from a browser session needs a recent proof of identity (step-up). */
export const REAUTH_WINDOW_MS = 10 * 60 * 1000;

/** Step-up for browser sessions: the password must have been entered in the last 10 minutes. */
export function assertRecentAuthentication(ctx: AppContext, req: RestRequest): void {
  const session = req.auth.session;
  if (
    req.auth.via === 'cookie' &&
    session &&
    ctx.now() - session.authenticatedAt > REAUTH_WINDOW_MS
  ) {
    const site = ctx.config.siteUrl;
    const back = String(req.raw.headers.referer ?? '/account');
    throw new HttpError(403, 'latchkey_reauth_required', 'Confirm your password to continue.', {
      reauth_url: `/login/reauth?redirect_to=${encodeURIComponent(back.startsWith(site) ? back.slice(site.length) || '/' : '/account')}`,
    });
  }
}

/** The sanitised name of a password; 400 when nothing is left of it. */
export function requireName(raw: string): string {
  const name = sanitizeApplicationPasswordName(raw);
  if (name === '') {
    throw new HttpError(
      400,
      'application_password_empty_name',
      'An application name is required to create an application password.',
    );
  }
  return name;
}

/**
 * Name and limits of a new password. It can never reach further than the credential that
 * creates it: a content-tier password makes content-tier ones, and a ceiling or expiry of the
 * creating password carries over when the new one would be wider.
 */
export function parseWrite(
  ctx: AppContext,
  req: RestRequest<ArgValues<typeof WRITE_ARGS>>,
  owner: User,
) {
  const name = requireName(req.args.name);
  const creator = req.auth.appPassword;
  // Measured against what the caller may do: through a password with a ceiling, the owner's
  // own role is out of reach whichever way the owner is named (`me` or the numeric id).
  const reachableRole =
    creator && req.auth.user && roleRank(req.auth.user.role) < roleRank(owner.role)
      ? req.auth.user.role
      : owner.role;
  const limits = parseCredentialLimits(
    { scope: req.args.scope, roleCeiling: req.args.role_ceiling, expires: req.args.expires },
    reachableRole,
    ctx.now(),
    creator?.scope ?? 'full',
  );
  if (creator?.roleCeiling && limits.roleCeiling === null && isRole(creator.roleCeiling)) {
    limits.roleCeiling = creator.roleCeiling;
  }
  if (creator?.expires && (limits.expires === null || limits.expires > creator.expires)) {
    limits.expires = creator.expires;
  }
  return { name, ...limits };
}
