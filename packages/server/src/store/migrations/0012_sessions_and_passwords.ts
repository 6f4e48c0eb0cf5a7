import type { Kysely } from 'kysely';

/**
 * SPEC §6.5: the first administrator's generated password is single-use. The account is marked
 * until the password is changed, and the session its sign-in gets may only change it.
 */
export async function up(db: Kysely<unknown>) {
  await db.schema
    .alterTable('users')
    .addColumn('password_must_change', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('sessions')
    .addColumn('password_change_only', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
