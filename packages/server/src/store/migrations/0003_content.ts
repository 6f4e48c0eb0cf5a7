import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Posts and pages, categories and tags, and media: the content the credentials protect.
 * Authors are plain integers, not foreign keys, so that deleting a user stays the accounts
 * module's decision (WordPress reassigns or deletes the posts explicitly).
 */
export async function up(
  db: Kysely<unknown>,
  { idType, idKey, bigint }: MigrationContext,
): Promise<void> {
  await db.schema
    .createTable('posts')
    .addColumn('id', idType, idKey)
    .addColumn('type', 'varchar(20)', (c) => c.notNull())
    .addColumn('author_id', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('content', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('excerpt', 'text', (c) => c.notNull().defaultTo(''))
    // Null while a draft or pending post has no slug of its own (WordPress's empty post_name).
    .addColumn('slug', 'varchar(200)')
    .addColumn('guid', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('date', bigint, (c) => c.notNull())
    // 1 while the date follows the save time (a draft nobody gave a date), as WordPress does.
    .addColumn('date_floating', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('modified', bigint, (c) => c.notNull())
    .addColumn('parent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('menu_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('comment_status', 'varchar(20)', (c) => c.notNull().defaultTo('open'))
    .addColumn('ping_status', 'varchar(20)', (c) => c.notNull().defaultTo('open'))
    .addColumn('sticky', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('format', 'varchar(20)', (c) => c.notNull().defaultTo('standard'))
    .addColumn('password', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('featured_media', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('trashed_from', 'varchar(20)')
    .execute();
  await db.schema
    .createIndex('posts_type_slug')
    .on('posts')
    .columns(['type', 'slug'])
    .unique()
    .execute();
  await db.schema
    .createIndex('posts_type_status_date')
    .on('posts')
    .columns(['type', 'status', 'date'])
    .execute();
  await db.schema.createIndex('posts_author').on('posts').column('author_id').execute();

  await db.schema
    .createTable('terms')
    .addColumn('id', idType, idKey)
    .addColumn('taxonomy', 'varchar(32)', (c) => c.notNull())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('slug', 'varchar(200)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('parent', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('terms_taxonomy_slug')
    .on('terms')
    .columns(['taxonomy', 'slug'])
    .unique()
    .execute();

  await db.schema
    .createTable('term_relationships')
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('term_id', 'integer', (c) => c.notNull().references('terms.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('term_relationships_pk', ['post_id', 'term_id'])
    .execute();
  await db.schema
    .createIndex('term_relationships_term')
    .on('term_relationships')
    .column('term_id')
    .execute();

  await db.schema
    .createTable('media')
    .addColumn('id', idType, idKey)
    .addColumn('author_id', 'integer', (c) => c.notNull())
    // The post the file is attached to (WordPress's post_parent); 0 when unattached.
    .addColumn('post_id', 'integer', (c) => c.notNull().defaultTo(0))
    // Relative to <data-dir>/uploads, e.g. `2026/11/photo.png`.
    .addColumn('file', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('mime_type', 'varchar(100)', (c) => c.notNull())
    .addColumn('size', bigint, (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('slug', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('caption', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('alt_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('comment_status', 'varchar(20)', (c) => c.notNull().defaultTo('open'))
    .addColumn('ping_status', 'varchar(20)', (c) => c.notNull().defaultTo('closed'))
    .addColumn('date', bigint, (c) => c.notNull())
    .addColumn('modified', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('media_post').on('media').column('post_id').execute();

  // WordPress's default category: id 1 on a fresh table in both dialects.
  await (db as Kysely<{ terms: { taxonomy: string; name: string; slug: string } }>)
    .insertInto('terms')
    .values({ taxonomy: 'category', name: 'Uncategorized', slug: 'uncategorized' })
    .execute();
}
