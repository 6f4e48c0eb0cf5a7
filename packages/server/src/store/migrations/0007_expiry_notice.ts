import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/** When the owner was told that an application password expires soon (once per password). */
export async function up(db: Kysely<unknown>, { bigint }: MigrationContext): Promise<void> {
  await db.schema
    .alterTable('application_passwords')
    .addColumn('expiry_notified_at', bigint)
    .execute();
}
