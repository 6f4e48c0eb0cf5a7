import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

/** The largest value of an `integer` column in PostgreSQL (and what ids are kept within). */
export const MAX_DB_INT = 2_147_483_647;

/** An id that can exist: larger ones are not looked up, since PostgreSQL would refuse them. */
export const isDbId = (id: number): boolean =>
  Number.isSafeInteger(id) && id > 0 && id <= MAX_DB_INT;

/** Rows to skip for a page; absurd pages skip everything rather than overflow the query. */
export function listOffset(q: {
  offset?: number | undefined;
  page: number;
  perPage: number;
}): number {
  return Math.min(q.offset ?? (q.page - 1) * q.perPage, MAX_DB_INT);
}

/**
 * A new id for a post, page or attachment: they share one id space, as in WordPress (a client
 * may delete an attachment with `wp.deletePost`, so an id must name one thing).
 */
export async function allocateContentId(db: Kysely<Database>): Promise<number> {
  const row = await db
    .insertInto('content_ids')
    .defaultValues()
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
