import { describe, expect, it } from 'vitest';
import { commonPasswordCount, newPasswordProblem } from './passwordPolicy.js';

describe('new password rules, SPEC §6.5', () => {
  it('ships at least 10,000 common passwords a new password could be', () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(10_000);
  });

  it('refuses common passwords whatever their case', () => {
    for (const p of ['password123', 'PASSWORD123', 'qwertyuiop', 'iloveyou1'])
      expect(newPasswordProblem(p)?.code, p).toBe('password_common');
  });

  it('refuses the login, the email and the site name anywhere inside, case-insensitively', () => {
    const identity = { login: 'Alice', email: 'alice.w@example.com', siteName: 'Acme Keys' };
    expect(newPasswordProblem('x-ALICE-x-9876', identity)).toEqual({
      code: 'password_contains_identity',
      message: 'The password must not contain your username.',
    });
    expect(newPasswordProblem('zz alice.w@example.com', { email: identity.email })?.message).toBe(
      'The password must not contain your email address.',
    );
    expect(newPasswordProblem('my acme keys 2031', identity)?.message).toBe(
      'The password must not contain the name of the site.',
    );
    expect(newPasswordProblem('ecila-Pass-1234', identity)).toBeNull();
  });

  it('ignores identity words too short to mean anything (a login "ed")', () => {
    expect(newPasswordProblem('edge-of-night-77', { login: 'ed' })).toBeNull();
  });

  it('keeps the length bounds and allows any character, with no composition rules', () => {
    expect(newPasswordProblem('seven77')?.code).toBe('invalid_password');
    expect(newPasswordProblem('x'.repeat(1025))?.code).toBe('invalid_password');
    expect(newPasswordProblem('x'.repeat(1024))).toBeNull();
    expect(newPasswordProblem('all lower case words here')).toBeNull();
    expect(newPasswordProblem('пароль-ключ-🔑-日本')).toBeNull();
  });
});
