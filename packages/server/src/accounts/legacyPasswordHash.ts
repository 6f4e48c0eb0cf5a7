import type { Kysely } from 'kysely';
// The file, not the folder's index: app-passwords' index imports accounts, this must not loop.
import { verifyLegacyHash } from '../app-passwords/hash.js';
import type { Database } from '../store/index.js';

/**
 * Account-password hashes imported from WordPress (`latchkey import-wordpress`): phpass `$P$`
 * (and its `$H$` spelling), WordPress 6.8's `$wp$2y$` and plain bcrypt. They are verified once,
 * at the next sign-in, and replaced by argon2id there.
 */
export function isLegacyAccountHash(stored: string): boolean {
  return /^\$[PH]\$/.test(stored) || stored.startsWith('$wp$2') || /^\$2[aby]\$/.test(stored);
}

export function verifyLegacyAccountHash(stored: string, password: string): Promise<boolean> {
  return verifyLegacyHash(password, stored);
}

/**
 * Replaces an imported hash with the argon2id one after it verified. Conditional on the stored
 * hash still being the imported one, so a password changed meanwhile is never overwritten; the
 * credentials version stays (the password itself did not change).
 */
export async function replaceLegacyAccountHash(
  db: Kysely<Database>,
  userId: number,
  legacyHash: string,
  argon2Hash: string,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ password_hash: argon2Hash })
    .where('id', '=', userId)
    .where('password_hash', '=', legacyHash)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
