import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql, type Expression, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { Database } from '../store/index.js';
import type { MediaTable } from '../store/schema.js';
import { ContentError } from './errors.js';
import { likePattern, readableCondition, type ContentListQuery, type PostReader } from './posts.js';
import { retryOnSlugConflict, sanitizeSlug, uniqueSlug } from './slugs.js';
import { allocateContentId, isDbId, listOffset } from './ids.js';
import {
  FILE_TYPE_REFUSED,
  imageSize,
  numberedFileName,
  sanitizeFileName,
  uploadTypeOf,
} from './uploadTypes.js';

export interface Media {
  id: number;
  authorId: number;
  /** The post it is attached to, 0 when unattached. */
  postId: number;
  /** Relative to the uploads directory: `YYYY/MM/name.ext`. */
  file: string;
  mimeType: string;
  size: number;
  width: number | null;
  height: number | null;
  title: string;
  slug: string;
  caption: string;
  description: string;
  altText: string;
  commentStatus: string;
  pingStatus: string;
  date: number;
  modified: number;
  /** Imported from WordPress: the original URL, where the file still is (else null). */
  sourceUrl: string | null;
}

export function toMedia(row: Selectable<MediaTable>): Media {
  return {
    id: Number(row.id),
    authorId: Number(row.author_id),
    postId: Number(row.post_id),
    file: row.file,
    mimeType: row.mime_type,
    size: Number(row.size),
    width: row.width === null ? null : Number(row.width),
    height: row.height === null ? null : Number(row.height),
    title: row.title,
    slug: row.slug,
    caption: row.caption,
    description: row.description,
    altText: row.alt_text,
    commentStatus: row.comment_status,
    pingStatus: row.ping_status,
    date: Number(row.date),
    modified: Number(row.modified),
    sourceUrl: row.source_url ?? null,
  };
}

/** `<data-dir>/uploads`: where files live and what `/wp-content/uploads/` serves. */
export function uploadsDirectory(dataDir: string): string {
  return path.join(dataDir, 'uploads');
}

export interface NewMedia {
  authorId: number;
  postId?: number | undefined;
  /** The name the client gave; it is sanitised here. */
  fileName: string;
  bytes: Buffer;
  title?: string | undefined;
  caption?: string | undefined;
  description?: string | undefined;
  altText?: string | undefined;
  commentStatus?: string | undefined;
  pingStatus?: string | undefined;
  date?: number | undefined;
}

const slugTaken = async (db: Kysely<Database>, slug: string, exceptId?: number) => {
  let q = db.selectFrom('media').select('id').where('slug', '=', slug);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
};

/**
 * Stores an upload under `uploads/YYYY/MM/` (UTC month of upload) with a sanitised, unused name
 * and records it. Refuses types that are not allowed or whose bytes do not match the extension.
 */
export async function createMedia(
  db: Kysely<Database>,
  uploadsDir: string,
  input: NewMedia,
  now: number,
): Promise<Media> {
  const name = sanitizeFileName(input.fileName);
  const mimeType = uploadTypeOf(name, input.bytes);
  if (!mimeType) throw new ContentError('file_type_refused', FILE_TYPE_REFUSED);
  const d = new Date(now);
  const folder = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  await mkdir(path.join(uploadsDir, folder), { recursive: true, mode: 0o750 });
  let file: string | undefined;
  for (let n = 0; n < 1000 && file === undefined; n++) {
    const candidate = `${folder}/${numberedFileName(name, n)}`;
    const known = await db
      .selectFrom('media')
      .select('id')
      .where('file', '=', candidate)
      .executeTakeFirst();
    if (known) continue;
    try {
      // `wx` never overwrites: two uploads of one name at once get different names.
      await writeFile(path.join(uploadsDir, candidate), input.bytes, { flag: 'wx', mode: 0o640 });
      file = candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  if (file === undefined)
    throw new ContentError('file_name_exhausted', 'Could not find a free file name.');
  try {
    const stem = path.posix.basename(file).replace(/\.[^.]+$/, '');
    const title = input.title ?? stem;
    const baseSlug = sanitizeSlug(title) || sanitizeSlug(stem) || 'attachment';
    const size = imageSize(mimeType, input.bytes);
    const row = await retryOnSlugConflict(async () => {
      const slug = await uniqueSlug(baseSlug, (c) => slugTaken(db, c));
      return db
        .insertInto('media')
        .values({
          id: await allocateContentId(db),
          author_id: input.authorId,
          post_id: input.postId ?? 0,
          file,
          mime_type: mimeType,
          size: input.bytes.length,
          width: size?.width ?? null,
          height: size?.height ?? null,
          title,
          slug,
          caption: input.caption ?? '',
          description: input.description ?? '',
          alt_text: input.altText ?? '',
          comment_status: input.commentStatus ?? 'open',
          ping_status: input.pingStatus ?? 'closed',
          date: input.date ?? now,
          modified: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    return toMedia(row);
  } catch (error) {
    await rm(path.join(uploadsDir, file), { force: true });
    throw error;
  }
}

export interface MediaChanges {
  authorId?: number | undefined;
  postId?: number | undefined;
  title?: string | undefined;
  slug?: string | undefined;
  caption?: string | undefined;
  description?: string | undefined;
  altText?: string | undefined;
  commentStatus?: string | undefined;
  pingStatus?: string | undefined;
  date?: number | undefined;
}

export async function updateMedia(
  db: Kysely<Database>,
  media: Media,
  changes: MediaChanges,
  now: number,
): Promise<Media> {
  const wanted =
    changes.slug !== undefined && sanitizeSlug(changes.slug) !== media.slug
      ? sanitizeSlug(changes.slug) || media.slug
      : undefined;
  const row = await retryOnSlugConflict(async () => {
    const slug =
      wanted === undefined
        ? media.slug
        : await uniqueSlug(wanted, (c) => slugTaken(db, c, media.id));
    return db
      .updateTable('media')
      .set({
        author_id: changes.authorId ?? media.authorId,
        post_id: changes.postId ?? media.postId,
        title: changes.title ?? media.title,
        slug,
        caption: changes.caption ?? media.caption,
        description: changes.description ?? media.description,
        alt_text: changes.altText ?? media.altText,
        comment_status: changes.commentStatus ?? media.commentStatus,
        ping_status: changes.pingStatus ?? media.pingStatus,
        date: changes.date ?? media.date,
        modified: now,
      })
      .where('id', '=', media.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  return toMedia(row);
}

/** Deletes the record and its file; posts that featured it no longer do. */
export async function deleteMedia(
  db: Kysely<Database>,
  uploadsDir: string,
  media: Media,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('posts')
      .set({ featured_media: 0 })
      .where('featured_media', '=', media.id)
      .execute();
    await tx.deleteFrom('media').where('id', '=', media.id).execute();
  });
  await rm(path.join(uploadsDir, media.file), { force: true });
}

export async function findMedia(db: Kysely<Database>, id: number): Promise<Media | undefined> {
  if (!isDbId(id)) return undefined;
  const row = await db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toMedia(row);
}

export async function findMediaByFile(
  db: Kysely<Database>,
  file: string,
): Promise<Media | undefined> {
  const row = await db.selectFrom('media').selectAll().where('file', '=', file).executeTakeFirst();
  return row && toMedia(row);
}

export type MediaOrderBy =
  'date' | 'id' | 'title' | 'slug' | 'modified' | 'author' | 'parent' | 'include';

export interface MediaListQuery extends ContentListQuery {
  /** Whose posts' attachments are visible: media of a post the reader cannot read is hidden. */
  reader: PostReader & { readPrivatePages: boolean; editOthersPages: boolean };
  /** `image`, `video`, `text`, `application`, `audio`: the first part of the MIME type. */
  mediaType?: string | undefined;
  mimeType?: string | undefined;
  orderBy: MediaOrderBy;
}

export async function listMedia(
  db: Kysely<Database>,
  q: MediaListQuery,
): Promise<{ media: Media[]; total: number }> {
  const base = db.selectFrom('media').where((eb) => {
    const and: Expression<SqlBool>[] = [
      // Unattached media is public; attached media is as visible as its post.
      eb.or([
        eb('media.post_id', '=', 0),
        eb(
          'media.post_id',
          'in',
          eb
            .selectFrom('posts')
            .select('posts.id')
            .where((p) =>
              p.or([
                p.and([p('posts.type', '=', 'post'), readableCondition(p, q.reader)]),
                p.and([
                  p('posts.type', '=', 'page'),
                  readableCondition(p, {
                    userId: q.reader.userId,
                    readPrivate: q.reader.readPrivatePages,
                    editOthers: q.reader.editOthersPages,
                  }),
                ]),
              ]),
            ),
        ),
      ]),
    ];
    if (q.search) {
      const like = likePattern(q.search);
      and.push(
        eb.or(
          (['title', 'caption', 'description', 'file'] as const).map(
            (col) => sql<SqlBool>`lower(${sql.ref(`media.${col}`)}) like ${like} escape '\\'`,
          ),
        ),
      );
    }
    if (q.authors?.length) and.push(eb('media.author_id', 'in', q.authors));
    if (q.authorsExclude?.length) and.push(eb('media.author_id', 'not in', q.authorsExclude));
    if (q.include?.length) and.push(eb('media.id', 'in', q.include));
    if (q.exclude?.length) and.push(eb('media.id', 'not in', q.exclude));
    if (q.slugs?.length) and.push(eb('media.slug', 'in', q.slugs));
    if (q.parents?.length) and.push(eb('media.post_id', 'in', q.parents));
    if (q.parentsExclude?.length) and.push(eb('media.post_id', 'not in', q.parentsExclude));
    if (q.mediaType) and.push(eb('media.mime_type', 'like', `${q.mediaType}/%`));
    if (q.mimeType) and.push(eb('media.mime_type', '=', q.mimeType));
    if (q.before !== undefined) and.push(eb('media.date', '<', q.before));
    if (q.after !== undefined) and.push(eb('media.date', '>', q.after));
    return eb.and(and);
  });
  const countRow = await base
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  let rows = base.selectAll('media');
  if (q.orderBy === 'include') {
    const keys = q.include ?? [];
    if (keys.length > 0) {
      const cases = keys.map((k, i) => sql`when media.id = ${k} then ${i}`);
      rows = rows.orderBy(sql`case ${sql.join(cases, sql` `)} else ${keys.length} end`, 'asc');
    }
  } else {
    const column = {
      date: 'media.date',
      id: 'media.id',
      title: 'media.title',
      slug: 'media.slug',
      modified: 'media.modified',
      author: 'media.author_id',
      parent: 'media.post_id',
    }[q.orderBy] as 'media.date';
    rows = rows.orderBy(column, q.order);
  }
  const result = await rows
    .orderBy('media.id', q.order)
    .limit(q.perPage)
    .offset(listOffset(q))
    .execute();
  return { media: result.map(toMedia), total: Number(countRow.n) };
}
