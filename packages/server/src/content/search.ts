import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../store/index.js';
import { listOffset } from './ids.js';
import { likePattern, toPost, type Post, type PostType } from './posts.js';
import { selectTerms, toTerm, type Taxonomy, type Term, type TermRow } from './terms.js';

/** The filters WordPress's search endpoint applies to either kind of object. */
export interface SearchQuery {
  page: number;
  perPage: number;
  search?: string | undefined;
  include?: number[] | undefined;
  exclude?: number[] | undefined;
}

export interface PostSearchQuery extends SearchQuery {
  types: PostType[];
}

export interface TermSearchQuery extends SearchQuery {
  taxonomies: Taxonomy[];
}

/** WordPress's search gives up splitting a phrase into words beyond this many. */
const MAX_SEARCH_WORDS = 9;

/** The words of a search phrase, each of which must match (WP_Query's `s`). */
export function searchWords(search: string): string[] {
  const words = [...new Set(search.trim().split(/\s+/).filter(Boolean))];
  return words.length > MAX_SEARCH_WORDS ? [search.trim()] : words;
}

const contains = (column: string, word: string) =>
  sql<SqlBool>`lower(${sql.ref(column)}) like ${likePattern(word)} escape '\\'`;

/**
 * One search word against a post: its title, or its content and excerpt when the post has no
 * password. The text behind a password is not matched, or a search would reveal what the REST
 * API withholds from whoever lacks the password.
 */
function postMatches(eb: ExpressionBuilder<Database, 'posts'>, word: string): Expression<SqlBool> {
  return eb.or([
    contains('posts.title', word),
    eb.and([
      eb('posts.password', '=', ''),
      eb.or([contains('posts.content', word), contains('posts.excerpt', word)]),
    ]),
  ]);
}

/**
 * Published posts and pages for `wp/v2/search`: whatever the caller may read otherwise, the
 * search lists only what is public (WordPress's `post_status => publish`). With a phrase,
 * title matches come first, then the newest.
 */
export async function searchPublishedPosts(
  db: Kysely<Database>,
  q: PostSearchQuery,
): Promise<{ posts: Post[]; total: number }> {
  if (q.types.length === 0) return { posts: [], total: 0 };
  const words = q.search ? searchWords(q.search) : [];
  const base = db.selectFrom('posts').where((eb) => {
    const and: Expression<SqlBool>[] = [
      eb('posts.type', 'in', q.types),
      eb('posts.status', '=', 'publish'),
      ...words.map((word) => postMatches(eb, word)),
    ];
    if (q.include?.length) and.push(eb('posts.id', 'in', q.include));
    if (q.exclude?.length) and.push(eb('posts.id', 'not in', q.exclude));
    return eb.and(and);
  });
  const countRow = await base
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  let rows = base.selectAll('posts');
  if (words.length > 0)
    rows = rows.orderBy(
      sql`case when ${contains('posts.title', q.search!.trim())} then 0 else 1 end`,
      'asc',
    );
  const result = await rows
    .orderBy('posts.date', 'desc')
    .orderBy('posts.id', 'desc')
    .limit(q.perPage)
    .offset(listOffset(q))
    .execute();
  return { posts: result.map(toPost), total: Number(countRow.n) };
}

/** Categories and tags for `wp/v2/search?type=term`: by name or slug, in name order. */
export async function searchTerms(
  db: Kysely<Database>,
  q: TermSearchQuery,
): Promise<{ terms: Term[]; total: number }> {
  if (q.taxonomies.length === 0) return { terms: [], total: 0 };
  const search = q.search?.trim();
  const all = selectTerms(db).where((eb) => {
    const and: Expression<SqlBool>[] = [eb('terms.taxonomy', 'in', q.taxonomies)];
    if (search) and.push(eb.or([contains('terms.name', search), contains('terms.slug', search)]));
    if (q.include?.length) and.push(eb('terms.id', 'in', q.include));
    if (q.exclude?.length) and.push(eb('terms.id', 'not in', q.exclude));
    return eb.and(and);
  });
  const countRow = await db
    .selectFrom(all.as('t'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await all
    .orderBy(sql`lower(terms.name)`, 'asc')
    .orderBy('terms.id', 'asc')
    .limit(q.perPage)
    .offset(listOffset(q))
    .execute();
  return { terms: rows.map((r) => toTerm(r as TermRow)), total: Number(countRow.n) };
}
