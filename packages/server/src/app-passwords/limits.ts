import { isRole, roleRank, type Role } from '../accounts/index.js';
import { LatchkeyError } from '../errors/index.js';
import type { Scope } from './records.js';

/**
 * A refused scope, ceiling or expiry: an invalid parameter, named as WordPress names them
 * (`Invalid parameter(s): scope`, with `detail`, what was expected, in `data.params`).
 */
export class CredentialLimitError extends LatchkeyError<'rest_invalid_param'> {
  constructor(
    readonly param: 'scope' | 'role_ceiling' | 'expires',
    readonly detail: string,
  ) {
    super('rest_invalid_param', `Invalid parameter(s): ${param}`, { params: { [param]: detail } });
  }
}

export interface CredentialLimits {
  scope: Scope;
  roleCeiling: Role | null;
  expires: number | null;
}

/**
 * Validates what a new password may reach: the scope, a role ceiling no higher than the
 * owner's role, and an expiry in the future. `expires` is an ISO date-time (UTC when it has no
 * zone, as WordPress writes dates) or a calendar date, meaning "through the end of that day, UTC".
 * `maxScope` caps the scope (a content-tier credential can never create a full one).
 */
export function parseCredentialLimits(
  input: { scope?: unknown; roleCeiling?: unknown; expires?: unknown },
  ownerRole: Role,
  nowMs: number,
  maxScope: Scope = 'full',
): CredentialLimits {
  const scopeText = input.scope === undefined || input.scope === '' ? 'full' : input.scope;
  if (scopeText !== 'full' && scopeText !== 'content')
    throw new CredentialLimitError('scope', 'scope must be "full" or "content".');
  const scope: Scope = maxScope === 'content' ? 'content' : scopeText;

  let roleCeiling: Role | null = null;
  if (input.roleCeiling !== undefined && input.roleCeiling !== null && input.roleCeiling !== '') {
    if (!isRole(input.roleCeiling) || roleRank(input.roleCeiling) > roleRank(ownerRole)) {
      throw new CredentialLimitError(
        'role_ceiling',
        `role_ceiling must be a role no higher than the owner’s (${ownerRole}).`,
      );
    }
    roleCeiling = roleRank(input.roleCeiling) === roleRank(ownerRole) ? null : input.roleCeiling;
  }

  let expires: number | null = null;
  if (input.expires !== undefined && input.expires !== null && input.expires !== '') {
    const text = String(input.expires).trim();
    let parsed = NaN;
    if (/^\d{4}-\d{2}-\d{2}$/.test(text))
      parsed = Date.parse(`${text}T00:00:00Z`) + 24 * 3600 * 1000;
    else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) {
      parsed = Date.parse(/Z|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`);
    }
    if (!Number.isFinite(parsed))
      throw new CredentialLimitError(
        'expires',
        'expires must be a date (YYYY-MM-DD) or a date-time.',
      );
    if (parsed <= nowMs)
      throw new CredentialLimitError('expires', 'expires must be in the future.');
    expires = parsed;
  }
  return { scope, roleCeiling, expires };
}
