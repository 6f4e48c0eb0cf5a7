import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

export async function up(
  db: Kysely<unknown>,
  { idType, idKey, bigint }: MigrationContext,
): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', idType, idKey)
    .addColumn('login', 'varchar(60)', (c) => c.notNull())
    .addColumn('login_key', 'varchar(60)', (c) => c.notNull().unique())
    .addColumn('email', 'varchar(254)', (c) => c.notNull())
    .addColumn('email_key', 'varchar(254)', (c) => c.notNull().unique())
    .addColumn('display_name', 'varchar(250)', (c) => c.notNull())
    .addColumn('first_name', 'varchar(250)', (c) => c.notNull().defaultTo(''))
    .addColumn('last_name', 'varchar(250)', (c) => c.notNull().defaultTo(''))
    .addColumn('nickname', 'varchar(250)', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('url', 'varchar(2048)', (c) => c.notNull().defaultTo(''))
    .addColumn('role', 'varchar(32)', (c) => c.notNull())
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('registered', bigint, (c) => c.notNull())
    .addColumn('email_verified_at', bigint)
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('credentials_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created', bigint, (c) => c.notNull())
    .addColumn('expires', bigint, (c) => c.notNull())
    .addColumn('last_seen', bigint, (c) => c.notNull())
    .addColumn('ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_agent', 'varchar(512)', (c) => c.notNull())
    .addColumn('remember', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('second_factor', 'varchar(32)')
    .addColumn('authenticated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', idType, idKey)
    .addColumn('time', bigint, (c) => c.notNull())
    .addColumn('event', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_agent', 'varchar(512)', (c) => c.notNull())
    .addColumn('credential', 'varchar(64)')
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_events_user_time')
    .on('audit_events')
    .columns(['user_id', 'id'])
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('name', 'varchar(191)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
