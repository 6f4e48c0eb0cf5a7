import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Single-use links mailed to people (SPEC §12): lost password, invitation, registration and
 * email change. Only a keyed hash of the token is stored; a link is spent by setting `used_at`
 * with a conditional update, so of two concurrent submissions exactly one gets through.
 */
export async function up(db: Kysely<unknown>, { idType, idKey, bigint }: MigrationContext) {
  await db.schema
    .createTable('account_links')
    .addColumn('id', idType, idKey)
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
    .addColumn('new_email', 'varchar(254)')
    .addColumn('created', bigint, (c) => c.notNull())
    .addColumn('expires', bigint, (c) => c.notNull())
    .addColumn('used_at', bigint)
    .addColumn('voided_at', bigint)
    .addColumn('ip', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .createIndex('account_links_user_purpose')
    .on('account_links')
    .columns(['user_id', 'purpose'])
    .execute();
}
