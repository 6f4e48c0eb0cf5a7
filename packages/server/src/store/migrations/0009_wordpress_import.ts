import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * What `latchkey import-wordpress` needs to stay idempotent and faithful: which Latchkey row each
 * WordPress user, term, post and attachment became (per WordPress site, so a second run finds
 * them again whatever was edited since), and the original URL of an imported attachment, whose
 * file stays where WordPress served it.
 */
export async function up(db: Kysely<unknown>, { bigint }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('wordpress_import_ids')
    // The WordPress site's `siteurl`, lower-cased, without a trailing slash.
    .addColumn('site', 'varchar(255)', (c) => c.notNull())
    // `user`, `term`, `post` (posts and pages) or `attachment`.
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('source_id', bigint, (c) => c.notNull())
    .addColumn('target_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('wordpress_import_ids_pk', ['site', 'kind', 'source_id'])
    .execute();
  await db.schema.alterTable('media').addColumn('source_url', 'varchar(2048)').execute();
}
