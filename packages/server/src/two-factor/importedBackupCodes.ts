import type { Kysely } from 'kysely';
// The file, not the folder's index: only the legacy verifiers are needed here.
import { verifyLegacyHash } from '../app-passwords/hash.js';
import type { Database } from '../store/index.js';

/**
 * Recovery codes imported from WordPress's Two-Factor plugin keep the hashes the plugin wrote
 * (`wp_hash_password`: phpass `$P$`, or `$wp$2y$` bcrypt from WordPress 6.8 on). Those are
 * salted, so they cannot be looked up like Latchkey's keyed hashes (which are hex and never
 * start with `$`): the user's unused imported codes are tried one by one, and a match is used
 * up with the same conditional write as a native code (single use under concurrency too).
 */
export async function consumeImportedBackupCode(
  db: Kysely<Database>,
  userId: number,
  code: string,
  now: number,
): Promise<boolean> {
  const rows = await db
    .selectFrom('backup_codes')
    .select(['id', 'code_hash'])
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('code_hash', 'like', '$%')
    .orderBy('id')
    .execute();
  for (const row of rows) {
    if (!(await verifyLegacyHash(code, row.code_hash))) continue;
    const result = await db
      .updateTable('backup_codes')
      .set({ used_at: now })
      .where('id', '=', row.id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
  return false;
}
