import { isRole, roleRank, type Role, type User } from '../accounts/index.js';
import type { ApplicationPassword, Scope } from '../app-passwords/index.js';

/** What a caller may reach: `content` (posts, pages, terms, media, own profile) or `full`. */
export type ScopeTier = Scope;

export const SCOPE_TIERS: readonly ScopeTier[] = ['content', 'full'];

/** Whether a credential of `scope` may call something declared at `tier`. */
export function scopeAllows(scope: ScopeTier, tier: ScopeTier): boolean {
  return scope === 'full' || tier === 'content';
}

/**
 * The principal a request acts as: the owner, lowered to the password's role ceiling when it
 * has one. Roles are nested, so owner's ∩ ceiling's capabilities is the lower role's.
 */
export function effectiveUser(
  owner: User,
  credential: Pick<ApplicationPassword, 'roleCeiling'> | undefined,
): User {
  const ceiling = credential?.roleCeiling;
  if (!ceiling || !isRole(ceiling) || roleRank(ceiling) >= roleRank(owner.role)) return owner;
  return { ...owner, role: ceiling as Role };
}

export function forbiddenScopeMessage(tier: ScopeTier): string {
  return `This application password is limited to the content scope; this requires the ${tier} scope.`;
}
