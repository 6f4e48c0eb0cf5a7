import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * A per-user lock around one second-factor attempt, so concurrent guesses are checked one at a
 * time and each failure counts (the backoff cannot be skipped by sending codes in parallel).
 */
export async function up(db: Kysely<unknown>, { bigint }: MigrationContext): Promise<void> {
  await db.schema.alterTable('user_two_factor').addColumn('attempt_lock_until', bigint).execute();
}
