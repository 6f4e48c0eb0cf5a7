import { describe, expect, it } from 'vitest';
import { AUDIT_EVENTS } from '../../audit/index.js';
import { auditEventLabel, labelledAuditEvents } from './auditEventLabel.js';

describe('auditEventLabel', () => {
  it('gives every recorded event words of its own', () => {
    expect(AUDIT_EVENTS.filter((e) => !labelledAuditEvents().includes(e))).toEqual([]);
  });

  it('reads as words, naming the application password where there is one', () => {
    expect(auditEventLabel('login.success')).toBe('Signed in');
    expect(auditEventLabel('app_password.revoked', { name: 'Phone' })).toBe(
      'Application password revoked: Phone',
    );
    expect(auditEventLabel('app_password.revoked', { all: true, count: 3 })).toBe(
      'All application passwords revoked',
    );
  });

  it('an event without words yet still reads as words, not as a code', () => {
    expect(auditEventLabel('session.idle_timeout')).toBe('Session idle timeout');
  });
});
