import { describe, expect, it } from 'vitest';
import {
  availableProviders,
  primaryProvider,
  usesTwoFactor,
  type TwoFactorFacts,
} from './providers.js';

const facts = (over: Partial<TwoFactorFacts>): TwoFactorFacts => ({
  enabled: [],
  primary: null,
  hasTotpSecret: false,
  backupCodesRemaining: 0,
  webauthnCount: 0,
  emailVerified: false,
  emailFallback: true,
  ...over,
});

describe('providers', () => {
  it('a user with nothing enabled does not use two-factor, and gets no fallback', () => {
    expect(usesTwoFactor(facts({}))).toBe(false);
    expect(availableProviders(facts({ emailVerified: true }))).toEqual([]);
  });
  it('keeps using two-factor when nothing is usable (no fail-open), offering only the email fallback', () => {
    const spent = facts({
      enabled: ['totp', 'backup_codes'],
      hasTotpSecret: false,
      backupCodesRemaining: 0,
      emailVerified: true,
    });
    expect(usesTwoFactor(spent)).toBe(true);
    expect(availableProviders(spent)).toEqual(['email']);
    expect(availableProviders({ ...spent, emailFallback: false })).toEqual([]);
    expect(availableProviders({ ...spent, emailVerified: false })).toEqual([]);
  });
  it('never offers email codes to an unverified address, even when enabled', () => {
    const f = facts({ enabled: ['email'], emailVerified: false });
    expect(availableProviders(f)).toEqual([]);
    expect(availableProviders({ ...f, emailVerified: true })).toEqual(['email']);
  });
  it('prefers the chosen primary when usable, never recovery codes by default', () => {
    const f = facts({
      enabled: ['totp', 'backup_codes', 'webauthn'],
      hasTotpSecret: true,
      backupCodesRemaining: 3,
      webauthnCount: 1,
      primary: 'webauthn',
    });
    expect(primaryProvider(f)).toBe('webauthn');
    expect(primaryProvider({ ...f, primary: null })).toBe('totp');
    expect(primaryProvider({ ...f, enabled: ['backup_codes'], primary: null })).toBe(
      'backup_codes',
    );
  });
});
