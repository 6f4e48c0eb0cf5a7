import type { AuditEventName } from '../../audit/index.js';

/** Security events in the words a person reads on /account and the admin's pages. */
const EVENT_LABELS: Partial<Record<AuditEventName, string>> = {
  'login.success': 'Signed in',
  'login.failure': 'Failed sign-in',
  'two_factor.success': 'Second factor accepted',
  'two_factor.failure': 'Wrong second-factor code',
  'two_factor.enabled': 'Two-factor method turned on',
  'two_factor.disabled': 'Two-factor method turned off',
  'two_factor.reset': 'Two-factor reset by an administrator',
  'app_password.created': 'Application password created',
  'app_password.renamed': 'Application password renamed',
  'app_password.revoked': 'Application password revoked',
  'app_password.blocked': 'Application password blocked after failures',
  'app_password.failure': 'Wrong application password',
  'app_password.new_ip': 'Application password used from a new address',
  'app_password.unblocked': 'Application password unblocked',
  'session.ended': 'Signed out',
  'password.changed': 'Password changed',
  'password.forced_reset': 'Password reset after too many failures',
  'settings.changed': 'Site settings changed',
  'user.created': 'Account created',
  'user.role_changed': 'Role changed',
  'user.disabled': 'Account disabled',
  'user.enabled': 'Account enabled',
  'user.deleted': 'Account deleted',
  'user.profile_changed': 'Profile changed',
  'user.invited': 'Invitation sent',
  'user.invitation_cancelled': 'Invitation cancelled',
  'user.registered': 'Registered',
  'password.reset_requested': 'Password reset link requested',
  'password.reset': 'Password reset through a link',
  'password.set': 'Password set through a link',
  'email.change_requested': 'Email change requested',
  'email.change_cancelled': 'Email change cancelled',
  'email.changed': 'Email address changed',
  'service.created': 'Service added',
  'service.removed': 'Service removed',
  'forward_auth.denied': 'Refused at a protected service',
  'forward_auth.first_use': 'First use at a protected service',
};

/**
 * "Signed in", "Application password revoked: Phone". An event without words of its own (one
 * added later) reads as its code with the punctuation turned into spaces, never as nothing.
 */
export function auditEventLabel(event: string, details: Record<string, unknown> = {}): string {
  const words =
    EVENT_LABELS[event as AuditEventName] ??
    (event.replace(/[._]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase()) || 'Event');
  const name = typeof details.name === 'string' && details.name !== '' ? details.name : undefined;
  if (event.startsWith('app_password.') && name) return `${words}: ${name}`;
  if (event === 'app_password.revoked' && details.all === true)
    return 'All application passwords revoked';
  return words;
}

export const labelledAuditEvents = (): string[] => Object.keys(EVENT_LABELS);
