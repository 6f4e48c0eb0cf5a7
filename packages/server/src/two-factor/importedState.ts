import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import type { ProviderId } from './providers.js';
import { saveTwoFactorState } from './state.js';

export interface ImportedTwoFactor {
  enabled: ProviderId[];
  primary: ProviderId | null;
  /** Sealed with the installation key by the caller (crypto.sealSecret), like Latchkey's own. */
  totpSecretSealed: string | null;
  /** The last time step the user signed in with, so an old code is not accepted again. */
  totpLastStep: number | null;
  /** The Two-Factor plugin's hashes of the unused codes, kept as they are. */
  backupCodeHashes: string[];
}

/** Writes a user's second factors brought over by `import-wordpress`. */
export async function saveImportedTwoFactor(
  db: Kysely<Database>,
  userId: number,
  state: ImportedTwoFactor,
): Promise<void> {
  await saveTwoFactorState(db, userId, {
    enabled: state.enabled,
    primary: state.primary,
    totpSecretSealed: state.totpSecretSealed,
    totpLastStep: state.totpLastStep,
  });
  if (state.backupCodeHashes.length > 0)
    await db
      .insertInto('backup_codes')
      .values(
        state.backupCodeHashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null })),
      )
      .execute();
}
