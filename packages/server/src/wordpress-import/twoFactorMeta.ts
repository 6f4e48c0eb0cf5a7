import type { ProviderId } from '../two-factor/providers.js';
import { looksSerialized, phpList, unserializePhp } from './phpUnserialize.js';

/** The Two-Factor plugin's provider classes Latchkey has an equivalent for. */
const PROVIDER_CLASSES: Record<string, ProviderId> = {
  Two_Factor_Totp: 'totp',
  Two_Factor_Email: 'email',
  Two_Factor_Backup_Codes: 'backup_codes',
};

export interface TwoFactorMeta {
  enabled: ProviderId[];
  primary: ProviderId | null;
  totpSecret: string | null;
  totpLastStep: number | null;
  backupCodeHashes: string[];
  /** Provider classes enabled in WordPress that Latchkey cannot take over (FIDO U2F, …). */
  unsupported: string[];
  /** Provider classes left out because their own meta is malformed, with why. */
  dropped: Array<{ provider: string; reason: string }>;
}

export type TwoFactorMetaResult =
  { ok: true; meta: TwoFactorMeta | null } | { ok: false; reason: string };

const BASE32 = /^[A-Z2-7]+$/;
const LEGACY_HASH = /^(\$P\$|\$H\$|\$wp\$2[aby]\$|\$2[aby]\$)/;

/**
 * Reads the plugin's user meta: `_two_factor_enabled_providers` (serialized list of class names),
 * `_two_factor_provider` (the primary), `_two_factor_totp_key` (base32),
 * `_two_factor_totp_last_successful_login` (time step) and `_two_factor_backup_codes`
 * (serialized list of `wp_hash_password` hashes of the unused codes). `null` when the user has
 * none enabled. A malformed provider list is an error: the caller must not import the user
 * without the factor they had.
 */
export function readTwoFactorMeta(meta: Map<string, string>): TwoFactorMetaResult {
  const raw = meta.get('_two_factor_enabled_providers');
  if (raw === undefined || raw === '') return { ok: true, meta: null };
  let classes: string[];
  try {
    const list = phpList(unserializePhp(raw));
    if (!list || !list.every((c): c is string => typeof c === 'string'))
      return { ok: false, reason: '_two_factor_enabled_providers is not a list of class names' };
    classes = [...new Set(list)];
  } catch (error) {
    return {
      ok: false,
      reason: `_two_factor_enabled_providers: ${(error as Error).message}`,
    };
  }
  if (classes.length === 0) return { ok: true, meta: null };

  const out: TwoFactorMeta = {
    enabled: [],
    primary: null,
    totpSecret: null,
    totpLastStep: null,
    backupCodeHashes: [],
    unsupported: [],
    dropped: [],
  };
  for (const cls of classes) {
    const id = PROVIDER_CLASSES[cls];
    if (!id) {
      out.unsupported.push(cls);
      continue;
    }
    if (id === 'totp') {
      const secret = (meta.get('_two_factor_totp_key') ?? '').replace(/=+$/, '').toUpperCase();
      // At least 80 bits (16 base32 characters), as RFC 4226 asks of a shared secret.
      if (!BASE32.test(secret) || secret.length < 16) {
        out.dropped.push({ provider: cls, reason: '_two_factor_totp_key is not a base32 secret' });
        continue;
      }
      out.totpSecret = secret;
      const step = meta.get('_two_factor_totp_last_successful_login');
      if (step !== undefined && /^\d{1,12}$/.test(step)) out.totpLastStep = Number(step);
    }
    if (id === 'backup_codes') {
      const codes = readBackupCodes(meta.get('_two_factor_backup_codes'));
      if (typeof codes === 'string') {
        out.dropped.push({ provider: cls, reason: codes });
        continue;
      }
      // The plugin removes used codes: none left means the method is not usable.
      if (codes.length === 0) continue;
      out.backupCodeHashes = codes;
    }
    out.enabled.push(id);
  }
  const primary = PROVIDER_CLASSES[meta.get('_two_factor_provider') ?? ''];
  // Recovery codes are never Latchkey's primary method (SPEC §6.4).
  out.primary =
    primary && primary !== 'backup_codes' && out.enabled.includes(primary)
      ? primary
      : (out.enabled.find((p) => p !== 'backup_codes') ?? null);
  return { ok: true, meta: out };
}

function readBackupCodes(raw: string | undefined): string[] | string {
  if (raw === undefined || raw === '') return [];
  if (!looksSerialized(raw)) return '_two_factor_backup_codes is not a serialized list';
  try {
    const list = phpList(unserializePhp(raw));
    if (!list) return '_two_factor_backup_codes is not a list';
    if (!list.every((h): h is string => typeof h === 'string' && LEGACY_HASH.test(h)))
      return '_two_factor_backup_codes holds something that is not a password hash';
    return [...new Set(list)];
  } catch (error) {
    return `_two_factor_backup_codes: ${(error as Error).message}`;
  }
}
