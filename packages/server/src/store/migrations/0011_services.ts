import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Forward authentication (SPEC §11): the services Latchkey guards behind a reverse proxy, the
 * per-password limit to chosen services (a JSON list of slugs on the password; `[]` = all), and
 * which credential has been used on which service (for the "first use" audit event).
 */
export async function up(db: Kysely<unknown>, { bigint }: MigrationContext) {
  await db.schema
    .createTable('services')
    .addColumn('slug', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('hosts', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('capability', 'varchar(64)')
    .addColumn('browser', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('two_factor', 'varchar(16)', (c) => c.notNull().defaultTo('if_enrolled'))
    .addColumn('scope', 'varchar(16)', (c) => c.notNull().defaultTo('full'))
    .addColumn('created', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .alterTable('application_passwords')
    .addColumn('services', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .createTable('service_first_uses')
    .addColumn('credential', 'varchar(80)', (c) => c.notNull())
    .addColumn('service', 'varchar(64)', (c) => c.notNull())
    .addColumn('time', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('service_first_uses_pk', ['credential', 'service'])
    .execute();
}
