import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { allocateContentId } from './ids.js';
import { DEFAULT_CATEGORY_ID, postPath, type PostStatus, type PostType } from './posts.js';
import { MAX_SLUG_LENGTH, sanitizeSlug, uniqueSlug } from './slugs.js';
import type { Taxonomy } from './terms.js';

/**
 * Writes for `import-wordpress`: content as WordPress had it (dates, statuses, slugs, authors),
 * without the rules a new post goes through (no re-dating, no scheduling, no default slug for
 * drafts). Slugs stay unique the way Latchkey keeps them (posts and pages share one space).
 */

const wantedSlug = (slug: string) => slug.trim().toLowerCase().slice(0, MAX_SLUG_LENGTH);

export interface ImportedPost {
  type: PostType;
  authorId: number;
  status: PostStatus;
  title: string;
  content: string;
  excerpt: string;
  /** WordPress's post_name; empty for a draft or pending post without one. */
  slug: string;
  date: number;
  dateFloating: boolean;
  modified: number;
  menuOrder: number;
  commentStatus: string;
  pingStatus: string;
  sticky: boolean;
  password: string;
  /** For a post in the trash: the status it had (WordPress's `_wp_trash_meta_status`). */
  trashedFrom: PostStatus | null;
  categories: number[];
  tags: number[];
}

/** Inserts the post with its terms; parent and featured image follow once everything exists. */
export async function insertImportedPost(
  db: Kysely<Database>,
  post: ImportedPost,
): Promise<{ id: number; slug: string | null }> {
  const id = await allocateContentId(db);
  const base =
    wantedSlug(post.slug) ||
    (post.status === 'draft' || post.status === 'pending'
      ? ''
      : sanitizeSlug(post.title) || String(id));
  const slug =
    base === ''
      ? null
      : await uniqueSlug(base, async (candidate) =>
          Boolean(
            await db
              .selectFrom('posts')
              .select('id')
              .where('slug', '=', candidate)
              .where('type', 'in', ['post', 'page'])
              .executeTakeFirst(),
          ),
        );
  await db
    .insertInto('posts')
    .values({
      id,
      type: post.type,
      author_id: post.authorId,
      status: post.status,
      title: post.title,
      content: post.content,
      excerpt: post.excerpt,
      slug,
      guid: postPath({ id, type: post.type, status: post.status, slug }),
      date: post.date,
      date_floating: post.dateFloating ? 1 : 0,
      modified: post.modified,
      parent: 0,
      menu_order: post.menuOrder,
      comment_status: post.commentStatus,
      ping_status: post.pingStatus,
      sticky: post.sticky ? 1 : 0,
      format: 'standard',
      password: post.password,
      featured_media: 0,
      trashed_from: post.trashedFrom,
    })
    .execute();
  const terms = new Set(post.tags);
  if (post.type === 'post') {
    for (const c of post.categories.length > 0 ? post.categories : [DEFAULT_CATEGORY_ID])
      terms.add(c);
  }
  if (terms.size > 0)
    await db
      .insertInto('term_relationships')
      .values([...terms].map((term_id) => ({ post_id: id, term_id })))
      .execute();
  return { id, slug };
}

export async function setImportedPostLinks(
  db: Kysely<Database>,
  id: number,
  links: { parent: number; featuredMedia: number },
): Promise<void> {
  await db
    .updateTable('posts')
    .set({ parent: links.parent, featured_media: links.featuredMedia })
    .where('id', '=', id)
    .execute();
}

export async function findTermIdBySlug(
  db: Kysely<Database>,
  taxonomy: Taxonomy,
  slug: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('terms')
    .select('id')
    .where('taxonomy', '=', taxonomy)
    .where('slug', '=', wantedSlug(slug))
    .executeTakeFirst();
  return row && Number(row.id);
}

export async function insertImportedTerm(
  db: Kysely<Database>,
  term: { taxonomy: Taxonomy; name: string; slug: string; description: string },
): Promise<number> {
  const row = await db
    .insertInto('terms')
    .values({
      taxonomy: term.taxonomy,
      name: term.name,
      slug: wantedSlug(term.slug) || sanitizeSlug(term.name) || 'term',
      description: term.description,
      parent: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function setImportedTermParent(
  db: Kysely<Database>,
  id: number,
  parent: number,
): Promise<void> {
  await db.updateTable('terms').set({ parent }).where('id', '=', id).execute();
}

export interface ImportedMedia {
  authorId: number;
  postId: number;
  /** WordPress's `_wp_attached_file` (`2024/05/name.png`): where a copied upload would be served. */
  file: string;
  sourceUrl: string;
  mimeType: string;
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
}

/** Records an attachment whose file stays at its original URL (nothing is downloaded). */
export async function insertImportedMedia(
  db: Kysely<Database>,
  media: ImportedMedia,
): Promise<number> {
  const id = await allocateContentId(db);
  const fileTaken = async (file: string) =>
    Boolean(await db.selectFrom('media').select('id').where('file', '=', file).executeTakeFirst());
  // An upload of the same name may exist already: the import gets a path of its own.
  const file = (await fileTaken(media.file)) ? `wordpress/${id}/${media.file}` : media.file;
  const slug = await uniqueSlug(
    wantedSlug(media.slug) || sanitizeSlug(media.title) || 'attachment',
    async (candidate) =>
      Boolean(
        await db.selectFrom('media').select('id').where('slug', '=', candidate).executeTakeFirst(),
      ),
  );
  await db
    .insertInto('media')
    .values({
      id,
      author_id: media.authorId,
      post_id: media.postId,
      file: file.slice(0, 255),
      mime_type: media.mimeType,
      size: 0,
      width: media.width,
      height: media.height,
      title: media.title,
      slug,
      caption: media.caption,
      description: media.description,
      alt_text: media.altText,
      comment_status: media.commentStatus,
      ping_status: media.pingStatus,
      date: media.date,
      modified: media.modified,
      source_url: media.sourceUrl,
    })
    .execute();
  return id;
}
