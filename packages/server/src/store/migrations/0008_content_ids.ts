import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * One id space for posts, pages and attachments, as WordPress's single `wp_posts` table has:
 * clients call `wp.getPost` and `wp.deletePost` with an attachment's id, so a post and an
 * attachment must never share one. New rows of both tables take their id from this table;
 * the sequence starts past every id already used, so existing rows keep theirs.
 */
export async function up(db: Kysely<unknown>, { idType, idKey }: MigrationContext): Promise<void> {
  await db.schema.createTable('content_ids').addColumn('id', idType, idKey).execute();
  // Past every id ever handed out, not only those still in use: ids of deleted rows are never
  // given again (AUTOINCREMENT's and a sequence's promise), so old links and audit rows that
  // name them never point at something new.
  const inUse = await sql<{ top: number | string | null }>`
    SELECT MAX(id) AS top FROM (SELECT id FROM posts UNION ALL SELECT id FROM media) AS used
  `.execute(db);
  const handedOut =
    idType === 'serial'
      ? await sql<{ top: number | string | null }>`
          SELECT MAX(last_value) AS top FROM pg_sequences
          WHERE schemaname = current_schema() AND sequencename IN ('posts_id_seq', 'media_id_seq')
        `.execute(db)
      : await sql<{ top: number | string | null }>`
          SELECT MAX(seq) AS top FROM sqlite_sequence WHERE name IN ('posts', 'media')
        `.execute(db);
  const top = Math.max(Number(inUse.rows[0]?.top ?? 0), Number(handedOut.rows[0]?.top ?? 0));
  if (top > 0) {
    await sql`INSERT INTO content_ids (id) VALUES (${top})`.execute(db);
    if (idType === 'serial')
      await sql`SELECT setval(pg_get_serial_sequence('content_ids', 'id'), ${top})`.execute(db);
  }
}
