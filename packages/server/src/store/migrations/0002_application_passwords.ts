import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

export async function up(db: Kysely<unknown>, { bigint }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('application_passwords')
    .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('app_id', 'varchar(36)', (c) => c.notNull().defaultTo(''))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('created', bigint, (c) => c.notNull())
    .addColumn('last_used', bigint)
    .addColumn('last_ip', 'varchar(64)')
    .addColumn('scope', 'varchar(16)', (c) => c.notNull().defaultTo('full'))
    .addColumn('role_ceiling', 'varchar(32)')
    .addColumn('expires', bigint)
    .execute();
  // The hot path: one indexed read by (user, hash), whatever the number of passwords.
  await db.schema
    .createIndex('application_passwords_user_hash')
    .on('application_passwords')
    .columns(['user_id', 'password_hash'])
    .execute();
  await db.schema
    .createIndex('application_passwords_app_id')
    .on('application_passwords')
    .columns(['app_id'])
    .execute();

  await db.schema
    .createTable('app_id_blocks')
    .addColumn('app_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('blocked_by', 'integer')
    .addColumn('created', bigint, (c) => c.notNull())
    .addColumn('reason', 'varchar(500)', (c) => c.notNull().defaultTo(''))
    .execute();
}
