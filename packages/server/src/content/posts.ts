import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type Selectable,
  type SqlBool,
} from 'kysely';
import type { Database } from '../store/index.js';
import type { PostsTable } from '../store/schema.js';
import { retryOnSlugConflict, sanitizeSlug, uniqueSlug } from './slugs.js';
import { allocateContentId, isDbId, listOffset } from './ids.js';

export type PostType = 'post' | 'page';
export const POST_STATUSES = ['publish', 'future', 'draft', 'pending', 'private', 'trash'] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

export interface Post {
  id: number;
  type: PostType;
  authorId: number;
  status: PostStatus;
  title: string;
  content: string;
  excerpt: string;
  /** Null while a draft or pending post has no slug of its own. */
  slug: string | null;
  /** Site-relative, fixed at creation (WordPress's guid). */
  guid: string;
  date: number;
  /** The date follows the save time until someone sets it or the post is published. */
  dateFloating: boolean;
  modified: number;
  parent: number;
  menuOrder: number;
  commentStatus: string;
  pingStatus: string;
  sticky: boolean;
  format: string;
  password: string;
  featuredMedia: number;
  trashedFrom: PostStatus | null;
}

const isStatus = (s: unknown): s is PostStatus =>
  typeof s === 'string' && (POST_STATUSES as readonly string[]).includes(s);

export function toPost(row: Selectable<PostsTable>): Post {
  return {
    id: Number(row.id),
    type: row.type === 'page' ? 'page' : 'post',
    authorId: Number(row.author_id),
    status: isStatus(row.status) ? row.status : 'draft',
    title: row.title,
    content: row.content,
    excerpt: row.excerpt,
    slug: row.slug,
    guid: row.guid,
    date: Number(row.date),
    dateFloating: Number(row.date_floating) === 1,
    modified: Number(row.modified),
    parent: Number(row.parent),
    menuOrder: Number(row.menu_order),
    commentStatus: row.comment_status,
    pingStatus: row.ping_status,
    sticky: Number(row.sticky) === 1,
    format: row.format,
    password: row.password,
    featuredMedia: Number(row.featured_media),
    trashedFrom: isStatus(row.trashed_from) ? row.trashed_from : null,
  };
}

/** Site-relative link of a post: pretty once it is public, `?p=` before (WordPress's rule). */
export function postPath(post: Pick<Post, 'id' | 'type' | 'status' | 'slug'>): string {
  if (post.slug === null || ['draft', 'pending', 'future'].includes(post.status))
    return post.type === 'page' ? `/?page_id=${post.id}` : `/?p=${post.id}`;
  return `/${post.slug}/`;
}

/** Statuses whose posts have a slug of their own even when nobody gave one. */
const needsSlug = (status: PostStatus) => status !== 'draft' && status !== 'pending';

const TRASHED_SUFFIX = '__trashed';

async function slugTaken(
  db: Kysely<Database>,
  slug: string,
  exceptId: number | undefined,
): Promise<boolean> {
  // Posts and pages share the `/%postname%/` space, so a slug is kept unique across both.
  let q = db
    .selectFrom('posts')
    .select('id')
    .where('slug', '=', slug)
    .where('type', 'in', ['post', 'page']);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

async function chooseSlug(
  db: Kysely<Database>,
  wanted: string | null,
  title: string,
  id: number,
  status: PostStatus,
): Promise<string | null> {
  const base = wanted !== null ? sanitizeSlug(wanted) : '';
  if (base === '' && !needsSlug(status)) return null;
  const fallback = base || sanitizeSlug(title) || String(id);
  return uniqueSlug(fallback, (candidate) => slugTaken(db, candidate, id));
}

/** The slug a draft would get when published (the REST `generated_slug`). */
export function generatedSlug(post: Pick<Post, 'id' | 'slug' | 'title'>): string {
  return post.slug ?? (sanitizeSlug(post.title) || String(post.id));
}

export interface NewPost {
  type: PostType;
  authorId: number;
  status: Exclude<PostStatus, 'trash'>;
  title?: string;
  content?: string;
  excerpt?: string;
  slug?: string;
  /** Explicit publication date; without it the post is dated now (and floats while a draft). */
  date?: number;
  parent?: number;
  menuOrder?: number;
  commentStatus?: string;
  pingStatus?: string;
  sticky?: boolean;
  format?: string;
  password?: string;
  featuredMedia?: number;
  /** Term ids by taxonomy; posts without categories get the default category. */
  categories?: number[];
  tags?: number[];
}

export const DEFAULT_CATEGORY_ID = 1;

/** Publishing with a future date schedules; scheduling a past date publishes (WordPress's rule). */
function effectiveStatus(status: PostStatus, date: number, now: number): PostStatus {
  if (status === 'publish' && date > now) return 'future';
  if (status === 'future' && date <= now) return 'publish';
  return status;
}

export async function createPost(db: Kysely<Database>, input: NewPost, now: number): Promise<Post> {
  const floating = input.date === undefined && !needsSlug(input.status);
  const date = input.date ?? now;
  const status = effectiveStatus(input.status, date, now);
  return retryOnSlugConflict(() =>
    db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('posts')
        .values({
          id: await allocateContentId(tx),
          type: input.type,
          author_id: input.authorId,
          status,
          title: input.title ?? '',
          content: input.content ?? '',
          excerpt: input.excerpt ?? '',
          slug: null,
          guid: '',
          date,
          date_floating: floating ? 1 : 0,
          modified: now,
          parent: input.parent ?? 0,
          menu_order: input.menuOrder ?? 0,
          comment_status: input.commentStatus ?? (input.type === 'page' ? 'closed' : 'open'),
          ping_status: input.pingStatus ?? (input.type === 'page' ? 'closed' : 'open'),
          sticky: input.sticky ? 1 : 0,
          format: input.format ?? 'standard',
          password: input.password ?? '',
          featured_media: input.featuredMedia ?? 0,
          trashed_from: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(row.id);
      const slug = await chooseSlug(tx, input.slug ?? null, input.title ?? '', id, status);
      const guid = postPath({ id, type: input.type, status, slug });
      await tx.updateTable('posts').set({ slug, guid }).where('id', '=', id).execute();
      if (input.type === 'post') {
        await replacePostTerms(tx, id, 'category', input.categories ?? []);
        await replacePostTerms(tx, id, 'post_tag', input.tags ?? []);
      }
      return toPost(
        await tx.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
      );
    }),
  );
}

export interface PostChanges {
  authorId?: number;
  status?: Exclude<PostStatus, 'trash'>;
  title?: string;
  content?: string;
  excerpt?: string;
  slug?: string;
  /** A date, or null to let a draft's date follow the save time again. */
  date?: number | null;
  parent?: number;
  menuOrder?: number;
  commentStatus?: string;
  pingStatus?: string;
  sticky?: boolean;
  format?: string;
  password?: string;
  featuredMedia?: number;
  categories?: number[];
  tags?: number[];
}

export async function updatePost(
  db: Kysely<Database>,
  post: Post,
  changes: PostChanges,
  now: number,
): Promise<Post> {
  let status: PostStatus = changes.status ?? post.status;
  let date = post.date;
  let floating = post.dateFloating;
  if (changes.date === null) {
    floating = true;
    date = now;
  } else if (changes.date !== undefined) {
    floating = false;
    date = changes.date;
  } else if (floating) {
    // A draft nobody dated is dated when saved, and when it is finally published.
    date = now;
  }
  if (needsSlug(status)) floating = false;
  status = effectiveStatus(status, date, now);
  const leavingTrash = post.status === 'trash' && status !== 'trash';
  const title = changes.title ?? post.title;
  return retryOnSlugConflict(() =>
    db.transaction().execute(async (tx) => {
      let slug = post.slug;
      if (changes.slug !== undefined) slug = changes.slug;
      else if (leavingTrash && slug?.endsWith(TRASHED_SUFFIX))
        slug = slug.slice(0, -TRASHED_SUFFIX.length);
      if (changes.slug !== undefined || leavingTrash || slug === null || slug !== post.slug) {
        slug = await chooseSlug(tx, slug, title, post.id, status);
      }
      await tx
        .updateTable('posts')
        .set({
          author_id: changes.authorId ?? post.authorId,
          status,
          title,
          content: changes.content ?? post.content,
          excerpt: changes.excerpt ?? post.excerpt,
          slug,
          date,
          date_floating: floating ? 1 : 0,
          modified: now,
          parent: changes.parent ?? post.parent,
          menu_order: changes.menuOrder ?? post.menuOrder,
          comment_status: changes.commentStatus ?? post.commentStatus,
          ping_status: changes.pingStatus ?? post.pingStatus,
          sticky: (changes.sticky ?? post.sticky) ? 1 : 0,
          format: changes.format ?? post.format,
          password: changes.password ?? post.password,
          featured_media: changes.featuredMedia ?? post.featuredMedia,
          trashed_from: leavingTrash ? null : post.trashedFrom,
        })
        .where('id', '=', post.id)
        .execute();
      if (post.type === 'post') {
        if (changes.categories !== undefined)
          await replacePostTerms(tx, post.id, 'category', changes.categories);
        if (changes.tags !== undefined)
          await replacePostTerms(tx, post.id, 'post_tag', changes.tags);
      }
      return toPost(
        await tx
          .selectFrom('posts')
          .selectAll()
          .where('id', '=', post.id)
          .executeTakeFirstOrThrow(),
      );
    }),
  );
}

/** Moves a post to the trash, freeing its slug (WordPress's `__trashed` suffix). */
export async function trashPost(db: Kysely<Database>, post: Post, now: number): Promise<Post> {
  const slug =
    post.slug === null
      ? null
      : `${post.slug.slice(0, 200 - TRASHED_SUFFIX.length)}${TRASHED_SUFFIX}`;
  const free = slug === null || !(await slugTaken(db, slug, post.id));
  await db
    .updateTable('posts')
    .set({
      status: 'trash',
      trashed_from: post.status,
      slug: free ? slug : post.slug,
      modified: now,
    })
    .where('id', '=', post.id)
    .execute();
  return (await findPost(db, post.id))!;
}

export async function deletePost(db: Kysely<Database>, post: Post): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('term_relationships').where('post_id', '=', post.id).execute();
    // Children move up to the deleted page's parent; attachments become unattached.
    await tx
      .updateTable('posts')
      .set({ parent: post.parent })
      .where('parent', '=', post.id)
      .execute();
    await tx.updateTable('media').set({ post_id: 0 }).where('post_id', '=', post.id).execute();
    await tx.deleteFrom('posts').where('id', '=', post.id).execute();
  });
}

async function replacePostTerms(
  db: Kysely<Database>,
  postId: number,
  taxonomy: 'category' | 'post_tag',
  ids: number[],
): Promise<void> {
  let wanted = [...new Set(ids)].filter(isDbId);
  if (wanted.length > 0) {
    // Ids that are not terms of this taxonomy are ignored, as wp_set_object_terms does.
    const rows = await db
      .selectFrom('terms')
      .select('id')
      .where('taxonomy', '=', taxonomy)
      .where('id', 'in', wanted)
      .execute();
    const known = new Set(rows.map((r) => Number(r.id)));
    wanted = wanted.filter((id) => known.has(id));
  }
  if (taxonomy === 'category' && wanted.length === 0) wanted = [DEFAULT_CATEGORY_ID];
  await db
    .deleteFrom('term_relationships')
    .where('post_id', '=', postId)
    .where('term_id', 'in', (eb) =>
      eb.selectFrom('terms').select('id').where('taxonomy', '=', taxonomy),
    )
    .execute();
  if (wanted.length > 0)
    await db
      .insertInto('term_relationships')
      .values(wanted.map((term_id) => ({ post_id: postId, term_id })))
      .execute();
}

/** Scheduled posts whose time has come are published (what WordPress's cron does). */
export async function publishDuePosts(db: Kysely<Database>, now: number): Promise<void> {
  const due = await db
    .selectFrom('posts')
    .select('id')
    .where('type', 'in', ['post', 'page'])
    .where('status', '=', 'future')
    .where('date', '<=', now)
    .limit(1)
    .executeTakeFirst();
  if (!due) return;
  await db
    .updateTable('posts')
    .set({ status: 'publish' })
    .where('status', '=', 'future')
    .where('date', '<=', now)
    .execute();
}

export async function findPost(db: Kysely<Database>, id: number): Promise<Post | undefined> {
  if (!isDbId(id)) return undefined;
  const row = await db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toPost(row);
}

/** The published post or page at `/{slug}/`; a page wins, as in WordPress's rewrite order. */
export async function findPublishedBySlug(
  db: Kysely<Database>,
  slug: string,
): Promise<Post | undefined> {
  const rows = await db
    .selectFrom('posts')
    .selectAll()
    .where('slug', '=', slug)
    .where('status', '=', 'publish')
    .where('type', 'in', ['post', 'page'])
    .execute();
  const row = rows.find((r) => r.type === 'page') ?? rows[0];
  return row && toPost(row);
}

/** Who may read which non-public posts: decided by the caller's capabilities. */
export interface PostReader {
  userId: number | undefined;
  /** May read others' private posts of this type. */
  readPrivate: boolean;
  /** May read others' drafts, pending and scheduled posts of this type (edit_others_*). */
  editOthers: boolean;
}

export type PostOrderBy =
  | 'date'
  | 'id'
  | 'title'
  | 'slug'
  | 'modified'
  | 'author'
  | 'parent'
  | 'menu_order'
  | 'include'
  | 'include_slugs'
  | 'relevance';

/** The filters posts and media lists share (WordPress's collection parameters). */
export interface ContentListQuery {
  page: number;
  perPage: number;
  offset?: number | undefined;
  search?: string | undefined;
  authors?: number[] | undefined;
  authorsExclude?: number[] | undefined;
  include?: number[] | undefined;
  exclude?: number[] | undefined;
  slugs?: string[] | undefined;
  parents?: number[] | undefined;
  parentsExclude?: number[] | undefined;
  before?: number | undefined;
  after?: number | undefined;
  order: 'asc' | 'desc';
}

export interface PostListQuery extends ContentListQuery {
  type: PostType;
  statuses: PostStatus[];
  reader: PostReader;
  categories?: number[] | undefined;
  categoriesExclude?: number[] | undefined;
  tags?: number[] | undefined;
  tagsExclude?: number[] | undefined;
  sticky?: boolean | undefined;
  menuOrder?: number | undefined;
  modifiedBefore?: number | undefined;
  modifiedAfter?: number | undefined;
  orderBy: PostOrderBy;
}

export const likePattern = (text: string) =>
  `%${text.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;

/** Posts a reader may see: public ones, their own, and what their capabilities open. */
export function readableCondition(
  eb: ExpressionBuilder<Database, 'posts'>,
  reader: PostReader,
): Expression<SqlBool> {
  const ors: Expression<SqlBool>[] = [eb('posts.status', '=', 'publish')];
  if (reader.userId !== undefined) ors.push(eb('posts.author_id', '=', reader.userId));
  if (reader.readPrivate) ors.push(eb('posts.status', '=', 'private'));
  if (reader.editOthers) ors.push(eb('posts.status', 'not in', ['publish', 'private']));
  return eb.or(ors);
}

const termFilter = (eb: ExpressionBuilder<Database, 'posts'>, ids: number[]) =>
  eb(
    'posts.id',
    'in',
    eb.selectFrom('term_relationships').select('post_id').where('term_id', 'in', ids),
  );

export async function listPosts(
  db: Kysely<Database>,
  q: PostListQuery,
): Promise<{ posts: Post[]; total: number }> {
  const base = db.selectFrom('posts').where((eb) => {
    const and: Expression<SqlBool>[] = [
      eb('posts.type', '=', q.type),
      eb('posts.status', 'in', q.statuses.length > 0 ? q.statuses : ['publish']),
      readableCondition(eb, q.reader),
    ];
    if (q.search) {
      const like = likePattern(q.search);
      and.push(
        eb.or(
          (['title', 'content', 'excerpt'] as const).map(
            (col) => sql<SqlBool>`lower(${sql.ref(`posts.${col}`)}) like ${like} escape '\\'`,
          ),
        ),
      );
    }
    if (q.authors?.length) and.push(eb('posts.author_id', 'in', q.authors));
    if (q.authorsExclude?.length) and.push(eb('posts.author_id', 'not in', q.authorsExclude));
    if (q.include?.length) and.push(eb('posts.id', 'in', q.include));
    if (q.exclude?.length) and.push(eb('posts.id', 'not in', q.exclude));
    if (q.slugs?.length) and.push(eb('posts.slug', 'in', q.slugs));
    if (q.categories?.length) and.push(termFilter(eb, q.categories));
    if (q.categoriesExclude?.length) and.push(eb.not(termFilter(eb, q.categoriesExclude)));
    if (q.tags?.length) and.push(termFilter(eb, q.tags));
    if (q.tagsExclude?.length) and.push(eb.not(termFilter(eb, q.tagsExclude)));
    if (q.sticky !== undefined) and.push(eb('posts.sticky', '=', q.sticky ? 1 : 0));
    if (q.parents?.length) and.push(eb('posts.parent', 'in', q.parents));
    if (q.parentsExclude?.length) and.push(eb('posts.parent', 'not in', q.parentsExclude));
    if (q.menuOrder !== undefined) and.push(eb('posts.menu_order', '=', q.menuOrder));
    if (q.before !== undefined) and.push(eb('posts.date', '<', q.before));
    if (q.after !== undefined) and.push(eb('posts.date', '>', q.after));
    if (q.modifiedBefore !== undefined) and.push(eb('posts.modified', '<', q.modifiedBefore));
    if (q.modifiedAfter !== undefined) and.push(eb('posts.modified', '>', q.modifiedAfter));
    return eb.and(and);
  });
  const countRow = await base
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  let rows = base.selectAll('posts');
  const dir = q.order;
  switch (q.orderBy) {
    case 'include':
    case 'include_slugs': {
      const keys = q.orderBy === 'include' ? (q.include ?? []) : (q.slugs ?? []);
      const column = q.orderBy === 'include' ? 'posts.id' : 'posts.slug';
      if (keys.length > 0) {
        const cases = keys.map((k, i) => sql`when ${sql.ref(column)} = ${k} then ${i}`);
        rows = rows.orderBy(sql`case ${sql.join(cases, sql` `)} else ${keys.length} end`, 'asc');
      }
      break;
    }
    case 'relevance': {
      const like = likePattern(q.search ?? '');
      rows = rows
        .orderBy(
          sql`case when lower(posts.title) like ${like} escape '\\' then 0 else 1 end`,
          'asc',
        )
        .orderBy('posts.date', 'desc');
      break;
    }
    default: {
      const column = {
        date: 'posts.date',
        id: 'posts.id',
        title: 'posts.title',
        slug: 'posts.slug',
        modified: 'posts.modified',
        author: 'posts.author_id',
        parent: 'posts.parent',
        menu_order: 'posts.menu_order',
      }[q.orderBy] as 'posts.date';
      rows = rows.orderBy(column, dir);
    }
  }
  const result = await rows
    .orderBy('posts.id', dir)
    .limit(q.perPage)
    .offset(listOffset(q))
    .execute();
  return { posts: result.map(toPost), total: Number(countRow.n) };
}

/** The published posts for the public front page: sticky first on the first page. */
export async function recentPublishedPosts(db: Kysely<Database>, limit: number): Promise<Post[]> {
  const rows = await db
    .selectFrom('posts')
    .selectAll()
    .where('type', '=', 'post')
    .where('status', '=', 'publish')
    .orderBy('sticky', 'desc')
    .orderBy('date', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toPost);
}

/**
 * Ids of users with published posts or pages: anyone may see those users through the API, as
 * WordPress shows authors of published content.
 */
export async function publishedAuthorIds(db: Kysely<Database>): Promise<Set<number>> {
  const rows = await db
    .selectFrom('posts')
    .select('author_id')
    .distinct()
    .where('status', '=', 'publish')
    .where('type', 'in', ['post', 'page'])
    .execute();
  return new Set(rows.map((r) => Number(r.author_id)));
}

/**
 * Moves a user's posts, pages and media to another user: what WordPress's `reassign` does when
 * a user is deleted. The users route should call it before deleting the account.
 */
export async function reassignAuthoredContent(
  db: Kysely<Database>,
  fromUserId: number,
  toUserId: number,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('posts')
      .set({ author_id: toUserId })
      .where('author_id', '=', fromUserId)
      .execute();
    await tx
      .updateTable('media')
      .set({ author_id: toUserId })
      .where('author_id', '=', fromUserId)
      .execute();
  });
}

/** Ancestor ids of a page, nearest first (to refuse a parent that would make a loop). */
export async function ancestorIds(db: Kysely<Database>, id: number): Promise<number[]> {
  const out: number[] = [];
  let current = id;
  while (current > 0 && out.length < 100) {
    const row = await db
      .selectFrom('posts')
      .select('parent')
      .where('id', '=', current)
      .executeTakeFirst();
    if (!row) break;
    current = Number(row.parent);
    if (current > 0) {
      if (out.includes(current)) break;
      out.push(current);
    }
  }
  return out;
}

/** How many posts, pages and media items a user authored (any status). */
export async function countAuthoredContent(db: Kysely<Database>, userId: number): Promise<number> {
  const [posts, media] = await Promise.all([
    db
      .selectFrom('posts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('author_id', '=', userId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('media')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('author_id', '=', userId)
      .executeTakeFirstOrThrow(),
  ]);
  return Number(posts.n) + Number(media.n);
}
