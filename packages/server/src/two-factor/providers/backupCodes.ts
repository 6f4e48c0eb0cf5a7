import type { Kysely } from 'kysely';
import type { User } from '../../accounts/index.js';
import { randomDigits } from '../../crypto/index.js';
import type { Database } from '../../store/index.js';
import { codeHash } from '../codeHash.js';
import type { TwoFactorDeps } from '../deps.js';
import { TwoFactorError } from '../errors.js';
import { consumeImportedBackupCode } from '../importedBackupCodes.js';
import { BACKUP_CODE_COUNT } from '../policies.js';
import { loadTwoFactorState, saveTwoFactorState } from '../state.js';

export async function deleteBackupCodes(db: Kysely<Database>, userId: number): Promise<void> {
  await db.deleteFrom('backup_codes').where('user_id', '=', userId).execute();
}

/** Recovery codes: a set of single-use codes, shown once, for when the other factor is lost. */
export function createBackupCodesProvider(deps: TwoFactorDeps) {
  const { db, keys } = deps;

  return {
    /** A new set replaces the old one entirely: codes written down before stop working. */
    async regenerateBackupCodes(user: User): Promise<{ codes: string[]; remaining: number }> {
      const state = await loadTwoFactorState(db, user.id);
      if (!state.enabled.some((p) => p !== 'backup_codes')) {
        throw new TwoFactorError(
          'latchkey_backup_codes_need_provider',
          'Enable another method first: recovery codes only back up a second factor.',
        );
      }
      const codes = Array.from({ length: BACKUP_CODE_COUNT }, () => randomDigits(8));
      await db.transaction().execute(async (tx) => {
        await deleteBackupCodes(tx, user.id);
        await tx
          .insertInto('backup_codes')
          .values(
            codes.map((c) => ({
              user_id: user.id,
              code_hash: codeHash(keys, 'backup', user.id, c),
              used_at: null,
            })),
          )
          .execute();
      });
      await saveTwoFactorState(db, user.id, { enabled: [...state.enabled, 'backup_codes'] });
      return { codes, remaining: codes.length };
    },

    /** A code (already normalised); the conditional write makes it single use under concurrency. */
    async verifyBackupCode(user: User, code: string, now: number): Promise<boolean> {
      if (!/^\d{8}$/.test(code)) return false;
      const result = await db
        .updateTable('backup_codes')
        .set({ used_at: now })
        .where('user_id', '=', user.id)
        .where('code_hash', '=', codeHash(keys, 'backup', user.id, code))
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) > 0) return true;
      return consumeImportedBackupCode(db, user.id, code, now);
    },
  };
}
