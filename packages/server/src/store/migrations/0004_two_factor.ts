import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

export async function up(
  db: Kysely<unknown>,
  { idType, idKey, bigint }: MigrationContext,
): Promise<void> {
  await db.schema
    .createTable('user_two_factor')
    .addColumn('user_id', 'integer', (c) =>
      c.primaryKey().references('users.id').onDelete('cascade'),
    )
    .addColumn('providers', 'varchar(200)', (c) => c.notNull().defaultTo('[]'))
    .addColumn('primary_provider', 'varchar(32)')
    .addColumn('totp_secret', 'text')
    .addColumn('totp_last_step', bigint)
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_failure_at', bigint)
    .addColumn('email_code_hash', 'varchar(64)')
    .addColumn('email_code_expires', bigint)
    .addColumn('email_sends', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('proof_code_hash', 'varchar(64)')
    .addColumn('proof_code_expires', bigint)
    .addColumn('proof_email', 'varchar(254)')
    .execute();

  await db.schema
    .createTable('backup_codes')
    .addColumn('id', idType, idKey)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('used_at', bigint)
    .execute();
  await db.schema
    .createIndex('backup_codes_user')
    .on('backup_codes')
    .columns(['user_id', 'code_hash'])
    .execute();

  await db.schema
    .createTable('webauthn_credentials')
    .addColumn('id', 'varchar(512)', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', bigint, (c) => c.notNull().defaultTo(0))
    .addColumn('transports', 'varchar(200)', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created', bigint, (c) => c.notNull())
    .addColumn('last_used', bigint)
    .execute();
  await db.schema
    .createIndex('webauthn_credentials_user')
    .on('webauthn_credentials')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('login_challenges')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
    .addColumn('created', bigint, (c) => c.notNull())
    .addColumn('expires', bigint, (c) => c.notNull())
    .addColumn('redirect_to', 'varchar(2048)', (c) => c.notNull().defaultTo(''))
    .addColumn('remember', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('session_id', 'varchar(36)')
    .addColumn('webauthn_challenge', 'varchar(200)')
    .execute();
  await db.schema
    .createIndex('login_challenges_user')
    .on('login_challenges')
    .column('user_id')
    .execute();

  await db.schema.alterTable('sessions').addColumn('pending_totp_secret', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('pending_totp_at', bigint).execute();
  await db.schema
    .alterTable('sessions')
    .addColumn('enrolment_only', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('sessions').addColumn('webauthn_challenge', 'varchar(200)').execute();
}
