import { describe, expect, it } from 'vitest';
import { readTwoFactorMeta } from './twoFactorMeta.js';

const list = (...items: string[]) =>
  `a:${items.length}:{${items.map((s, i) => `i:${i};s:${Buffer.byteLength(s)}:"${s}";`).join('')}}`;
const HASHES = ['$P$BTd1I2SbhH4tQgyQSQWAFu8gIRu2AA1', '$P$B1kw52fOEGSa0xNKxLdfdDVhLgAgfk0'];
const SECRET = 'EFPDWP3XPRVSYTTIHJBTAL3INJZWIIZN';
const meta = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('readTwoFactorMeta (the Two-Factor plugin’s user meta)', () => {
  it('is null for users without enabled providers', () => {
    expect(readTwoFactorMeta(meta({}))).toEqual({ ok: true, meta: null });
    expect(readTwoFactorMeta(meta({ _two_factor_enabled_providers: 'a:0:{}' }))).toEqual({
      ok: true,
      meta: null,
    });
  });

  it('maps TOTP, email and recovery codes, keeping secrets and hashes as stored', () => {
    const result = readTwoFactorMeta(
      meta({
        _two_factor_enabled_providers: list('Two_Factor_Totp', 'Two_Factor_Backup_Codes'),
        _two_factor_provider: 'Two_Factor_Totp',
        _two_factor_totp_key: SECRET,
        _two_factor_totp_last_successful_login: '59872061',
        _two_factor_backup_codes: list(...HASHES),
      }),
    );
    expect(result).toEqual({
      ok: true,
      meta: {
        enabled: ['totp', 'backup_codes'],
        primary: 'totp',
        totpSecret: SECRET,
        totpLastStep: 59872061,
        backupCodeHashes: HASHES,
        unsupported: [],
        dropped: [],
      },
    });
    const email = readTwoFactorMeta(
      meta({
        _two_factor_enabled_providers: list('Two_Factor_Email'),
        _two_factor_provider: 'Two_Factor_Email',
      }),
    );
    expect(email.ok && email.meta).toMatchObject({ enabled: ['email'], primary: 'email' });
  });

  it('never makes recovery codes the primary method', () => {
    const onlyCodes = readTwoFactorMeta(
      meta({
        _two_factor_enabled_providers: list('Two_Factor_Backup_Codes'),
        _two_factor_provider: 'Two_Factor_Backup_Codes',
        _two_factor_backup_codes: list(...HASHES),
      }),
    );
    expect(onlyCodes.ok && onlyCodes.meta).toMatchObject({
      enabled: ['backup_codes'],
      primary: null,
    });
    const withTotp = readTwoFactorMeta(
      meta({
        _two_factor_enabled_providers: list('Two_Factor_Backup_Codes', 'Two_Factor_Totp'),
        _two_factor_provider: 'Two_Factor_Backup_Codes',
        _two_factor_totp_key: SECRET,
        _two_factor_backup_codes: list(...HASHES),
      }),
    );
    expect(withTotp.ok && withTotp.meta && withTotp.meta.primary).toBe('totp');
  });

  it('lists providers Latchkey does not have, and drops methods whose own meta is bad', () => {
    const result = readTwoFactorMeta(
      meta({
        _two_factor_enabled_providers: list(
          'Two_Factor_FIDO_U2F',
          'Two_Factor_Totp',
          'Two_Factor_Backup_Codes',
          'Two_Factor_Email',
        ),
        _two_factor_provider: 'Two_Factor_FIDO_U2F',
        _two_factor_totp_key: 'not base32!',
        _two_factor_backup_codes: 'O:8:"stdClass":0:{}',
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok || !result.meta) return;
    expect(result.meta.enabled).toEqual(['email']);
    expect(result.meta.primary).toBe('email');
    expect(result.meta.unsupported).toEqual(['Two_Factor_FIDO_U2F']);
    expect(result.meta.dropped.map((d) => d.provider)).toEqual([
      'Two_Factor_Totp',
      'Two_Factor_Backup_Codes',
    ]);
    expect(result.meta.totpSecret).toBeNull();
  });

  it('leaves out used-up recovery codes and refuses non-hashes in the list', () => {
    const empty = readTwoFactorMeta(
      meta({
        _two_factor_enabled_providers: list('Two_Factor_Totp', 'Two_Factor_Backup_Codes'),
        _two_factor_totp_key: SECRET,
        _two_factor_backup_codes: 'a:0:{}',
      }),
    );
    expect(empty.ok && empty.meta && empty.meta.enabled).toEqual(['totp']);
    const plain = readTwoFactorMeta(
      meta({
        _two_factor_enabled_providers: list('Two_Factor_Totp', 'Two_Factor_Backup_Codes'),
        _two_factor_totp_key: SECRET,
        _two_factor_backup_codes: list('12345678'),
      }),
    );
    expect(plain.ok && plain.meta && plain.meta.dropped[0]?.reason).toMatch(/not a password hash/);
  });

  it('refuses a provider list it cannot read, so the caller can keep the user out', () => {
    for (const bad of [
      'Two_Factor_Totp',
      'a:1:{i:0;O:8:"stdClass":0:{}}',
      'a:1:{i:0;i:5;}',
      's:3:"abc";',
    ])
      expect(readTwoFactorMeta(meta({ _two_factor_enabled_providers: bad })).ok, bad).toBe(false);
  });

  it('says why recovery codes were dropped without quoting a hash from them', () => {
    // The first code's string turned into an integer: the reader stops on the hash itself.
    const broken = list(...HASHES).replace(`s:34:"${HASHES[0]}"`, `i:${HASHES[0]}`);
    const result = readTwoFactorMeta(
      meta({
        _two_factor_enabled_providers: list('Two_Factor_Totp', 'Two_Factor_Backup_Codes'),
        _two_factor_totp_key: SECRET,
        _two_factor_backup_codes: broken,
      }),
    );
    expect(result.ok).toBe(true);
    const dropped = result.ok ? result.meta!.dropped : [];
    expect(dropped).toEqual([
      {
        provider: 'Two_Factor_Backup_Codes',
        reason: expect.stringMatching(/^_two_factor_backup_codes: not an integer \(at byte \d+\)$/),
      },
    ]);
    for (const hash of HASHES) expect(JSON.stringify(dropped)).not.toContain(hash.slice(3, 12));
  });
});
