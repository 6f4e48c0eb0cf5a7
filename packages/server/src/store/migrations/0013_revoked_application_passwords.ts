import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * What a revoked application password was (its keyed hash, never the password), so that a
 * program still presenting it is counted as `revoked` rather than `wrong` on /metrics. Kept 90
 * days by the hourly sweep; gone with the user.
 */
export async function up(db: Kysely<unknown>, { bigint }: MigrationContext) {
  await db.schema
    .createTable('revoked_application_passwords')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('uuid', 'varchar(36)', (c) => c.notNull())
    .addColumn('revoked', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('revoked_application_passwords_pk', ['user_id', 'password_hash'])
    .execute();
  await db.schema
    .createIndex('revoked_application_passwords_revoked')
    .on('revoked_application_passwords')
    .column('revoked')
    .execute();
}
