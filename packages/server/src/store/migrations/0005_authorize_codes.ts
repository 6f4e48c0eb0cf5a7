import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/** One-time codes of the authorize hand-off (response_type=code): in the store, so any node can exchange them. */
export async function up(db: Kysely<unknown>, { bigint }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('authorize_codes')
    .addColumn('code_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('app_password_uuid', 'varchar(36)', (c) => c.notNull())
    .addColumn('app_id', 'varchar(36)', (c) => c.notNull().defaultTo(''))
    .addColumn('success_url', 'text', (c) => c.notNull())
    .addColumn('code_challenge', 'varchar(64)')
    .addColumn('sealed_password', 'text', (c) => c.notNull())
    .addColumn('created', bigint, (c) => c.notNull())
    .addColumn('expires', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('authorize_codes_expires')
    .on('authorize_codes')
    .column('expires')
    .execute();
}
