import { roleHasCapability, type User } from '../accounts/index.js';
import type { ApplicationPassword } from '../app-passwords/index.js';
import { scopeAllows } from '../scopes/index.js';
import type { Service } from './service.js';

export type RefusalReason = 'role' | 'capability' | 'service_limit' | 'scope' | 'two_factor';

export type Admission = { ok: true } | { ok: false; reason: RefusalReason };

export type Principal =
  /** `user` is the owner lowered to the password's role ceiling. */
  | { via: 'app_password'; user: User; record: ApplicationPassword }
  | { via: 'session'; user: User; usesTwoFactor: boolean };

/**
 * Who may enter a service (SPEC §11): the service's roles or capability (seen after a role
 * ceiling), a password's own services limit, its scope against the service's, and for people
 * signed in with a session, a second factor when the service requires one.
 */
export function admits(service: Service, principal: Principal): Admission {
  const { user } = principal;
  if (service.roles.length > 0 && !service.roles.includes(user.role))
    return { ok: false, reason: 'role' };
  if (service.capability !== null && !roleHasCapability(user.role, service.capability))
    return { ok: false, reason: 'capability' };
  if (principal.via === 'app_password') {
    const limit = principal.record.services;
    if (limit.length > 0 && !limit.includes(service.slug))
      return { ok: false, reason: 'service_limit' };
    if (!scopeAllows(principal.record.scope, service.scope)) return { ok: false, reason: 'scope' };
  } else if (service.twoFactor === 'required' && !principal.usesTwoFactor) {
    return { ok: false, reason: 'two_factor' };
  }
  return { ok: true };
}
