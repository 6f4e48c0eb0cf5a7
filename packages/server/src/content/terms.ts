import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../store/index.js';
import { ContentError } from './errors.js';
import { DEFAULT_CATEGORY_ID, likePattern } from './posts.js';
import { retryOnSlugConflict, sanitizeSlug, uniqueSlug } from './slugs.js';
import { isDbId, listOffset } from './ids.js';

export type Taxonomy = 'category' | 'post_tag';

export interface Term {
  id: number;
  taxonomy: Taxonomy;
  name: string;
  slug: string;
  description: string;
  parent: number;
  /** Published posts carrying the term (WordPress counts only those). */
  count: number;
}

export const isHierarchical = (taxonomy: Taxonomy) => taxonomy === 'category';

export type TermRow = {
  id: number;
  taxonomy: string;
  name: string;
  slug: string;
  description: string;
  parent: number;
  count: number | string | bigint;
};

export const toTerm = (row: TermRow): Term => ({
  id: Number(row.id),
  taxonomy: row.taxonomy === 'post_tag' ? 'post_tag' : 'category',
  name: row.name,
  slug: row.slug,
  description: row.description,
  parent: Number(row.parent),
  count: Number(row.count),
});

/** Terms with their published-post count, for the queries that return whole terms. */
export function selectTerms(db: Kysely<Database>) {
  return db.selectFrom('terms').select((eb) => [
    'terms.id',
    'terms.taxonomy',
    'terms.name',
    'terms.slug',
    'terms.description',
    'terms.parent',
    eb
      .selectFrom('term_relationships')
      .innerJoin('posts', 'posts.id', 'term_relationships.post_id')
      .whereRef('term_relationships.term_id', '=', 'terms.id')
      .where('posts.status', '=', 'publish')
      .select((e) => e.fn.countAll<number>().as('n'))
      .as('count'),
  ]);
}

export async function findTerm(
  db: Kysely<Database>,
  id: number,
  taxonomy: Taxonomy,
): Promise<Term | undefined> {
  if (!isDbId(id)) return undefined;
  const row = await selectTerms(db)
    .where('terms.id', '=', id)
    .where('terms.taxonomy', '=', taxonomy)
    .executeTakeFirst();
  return row && toTerm(row as TermRow);
}

export type TermOrderBy =
  'id' | 'include' | 'name' | 'slug' | 'include_slugs' | 'term_group' | 'description' | 'count';

export interface TermListQuery {
  taxonomy: Taxonomy;
  page: number;
  perPage: number;
  offset?: number | undefined;
  search?: string | undefined;
  include?: number[] | undefined;
  exclude?: number[] | undefined;
  slugs?: string[] | undefined;
  parent?: number | undefined;
  /** Only terms of this post. */
  post?: number | undefined;
  hideEmpty?: boolean | undefined;
  orderBy: TermOrderBy;
  order: 'asc' | 'desc';
}

export async function listTerms(
  db: Kysely<Database>,
  q: TermListQuery,
): Promise<{ terms: Term[]; total: number }> {
  const publishedCount = sql<number>`(select count(*) from term_relationships tr inner join posts p on p.id = tr.post_id where tr.term_id = terms.id and p.status = 'publish')`;
  const all = selectTerms(db).where((eb) => {
    const and: Expression<SqlBool>[] = [eb('terms.taxonomy', '=', q.taxonomy)];
    if (q.search) {
      const like = likePattern(q.search);
      and.push(
        eb.or([
          sql<SqlBool>`lower(terms.name) like ${like} escape '\\'`,
          sql<SqlBool>`lower(terms.slug) like ${like} escape '\\'`,
        ]),
      );
    }
    if (q.include?.length) and.push(eb('terms.id', 'in', q.include));
    if (q.exclude?.length) and.push(eb('terms.id', 'not in', q.exclude));
    if (q.slugs?.length) and.push(eb('terms.slug', 'in', q.slugs));
    if (q.parent !== undefined) and.push(eb('terms.parent', '=', q.parent));
    if (q.post !== undefined)
      and.push(
        eb(
          'terms.id',
          'in',
          eb
            .selectFrom('term_relationships')
            .select('term_id')
            .where('term_relationships.post_id', '=', q.post),
        ),
      );
    if (q.hideEmpty) and.push(sql<SqlBool>`${publishedCount} > 0`);
    return eb.and(and);
  });
  const countRow = await db
    .selectFrom(all.as('t'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  let rows = all;
  switch (q.orderBy) {
    case 'include':
    case 'include_slugs': {
      const keys = q.orderBy === 'include' ? (q.include ?? []) : (q.slugs ?? []);
      const column = q.orderBy === 'include' ? 'terms.id' : 'terms.slug';
      if (keys.length > 0) {
        const cases = keys.map((k, i) => sql`when ${sql.ref(column)} = ${k} then ${i}`);
        rows = rows.orderBy(sql`case ${sql.join(cases, sql` `)} else ${keys.length} end`, 'asc');
      }
      break;
    }
    case 'count':
      rows = rows.orderBy(publishedCount, q.order);
      break;
    case 'term_group':
    case 'id':
      rows = rows.orderBy('terms.id', q.order);
      break;
    case 'name':
      rows = rows.orderBy(sql`lower(terms.name)`, q.order);
      break;
    default:
      rows = rows.orderBy(q.orderBy === 'slug' ? 'terms.slug' : 'terms.description', q.order);
  }
  const result = await rows
    .orderBy('terms.id', 'asc')
    .limit(q.perPage)
    .offset(listOffset(q))
    .execute();
  return { terms: result.map((r) => toTerm(r as TermRow)), total: Number(countRow.n) };
}

async function termBy(
  db: Kysely<Database>,
  taxonomy: Taxonomy,
  field: 'name' | 'slug',
  value: string,
  parent?: number,
): Promise<{ id: number; name: string; slug: string } | undefined> {
  let q = db
    .selectFrom('terms')
    .select(['id', 'name', 'slug'])
    .where('taxonomy', '=', taxonomy)
    .orderBy('id', 'asc');
  q =
    field === 'name'
      ? q.where(sql<SqlBool>`lower(name) = ${value.toLowerCase()}`)
      : q.where('slug', '=', value);
  if (parent !== undefined) q = q.where('parent', '=', parent);
  const row = await q.executeTakeFirst();
  return row && { id: Number(row.id), name: row.name, slug: row.slug };
}

const slugTaken = async (
  db: Kysely<Database>,
  taxonomy: Taxonomy,
  slug: string,
  exceptId?: number,
) => {
  const hit = await termBy(db, taxonomy, 'slug', slug);
  return hit !== undefined && hit.id !== exceptId;
};

export interface NewTerm {
  taxonomy: Taxonomy;
  name: string;
  slug?: string | undefined;
  description?: string | undefined;
  parent?: number | undefined;
}

/**
 * WordPress's `wp_insert_term`: a name may repeat only under another parent; a slug given
 * explicitly that another term of the same name holds is the same term.
 */
export async function createTerm(db: Kysely<Database>, input: NewTerm): Promise<Term> {
  const name = input.name.trim();
  if (name === '') throw new ContentError('empty_term_name', 'A name is required for this term.');
  const parent = isHierarchical(input.taxonomy) ? (input.parent ?? 0) : 0;
  const slugProvided = input.slug !== undefined && sanitizeSlug(input.slug) !== '';
  const wantedSlug = (slugProvided ? sanitizeSlug(input.slug!) : sanitizeSlug(name)) || 'term';
  const nameMatch = await termBy(db, input.taxonomy, 'name', name);
  if (nameMatch) {
    const slugMatch = await termBy(db, input.taxonomy, 'slug', wantedSlug);
    if (!slugProvided || nameMatch.slug === wantedSlug || slugMatch) {
      if (isHierarchical(input.taxonomy)) {
        const sibling =
          !slugProvided || nameMatch.slug === wantedSlug
            ? await termBy(db, input.taxonomy, 'name', name, parent)
            : undefined;
        const existing =
          sibling ??
          (slugMatch ? await termBy(db, input.taxonomy, 'slug', wantedSlug, parent) : undefined);
        if (existing)
          throw new ContentError(
            'term_exists',
            'A term with the name provided already exists with this parent.',
            { term_id: existing.id },
          );
      } else {
        throw new ContentError(
          'term_exists',
          'A term with the name provided already exists in this taxonomy.',
          { term_id: nameMatch.id },
        );
      }
    }
  }
  const row = await retryOnSlugConflict(async () =>
    db
      .insertInto('terms')
      .values({
        taxonomy: input.taxonomy,
        name,
        slug: await uniqueSlug(wantedSlug, (c) => slugTaken(db, input.taxonomy, c)),
        description: input.description ?? '',
        parent,
      })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  return (await findTerm(db, Number(row.id), input.taxonomy))!;
}

export interface TermChanges {
  name?: string | undefined;
  slug?: string | undefined;
  description?: string | undefined;
  parent?: number | undefined;
}

export async function updateTerm(
  db: Kysely<Database>,
  term: Term,
  changes: TermChanges,
): Promise<Term> {
  const name = changes.name !== undefined ? changes.name.trim() : term.name;
  if (name === '') throw new ContentError('empty_term_name', 'A name is required for this term.');
  const parent = isHierarchical(term.taxonomy) ? (changes.parent ?? term.parent) : 0;
  if (parent !== term.parent && parent !== 0) {
    if (parent === term.id || (await termAncestors(db, parent)).includes(term.id))
      throw new ContentError('invalid_parent', 'A term cannot be a child of itself.');
  }
  let slug = changes.slug !== undefined ? sanitizeSlug(changes.slug) : term.slug;
  const emptySlug = slug === '';
  if (emptySlug) slug = sanitizeSlug(name) || 'term';
  if (await slugTaken(db, term.taxonomy, slug, term.id)) {
    if (emptySlug || parent !== term.parent)
      slug = await uniqueSlug(slug, (c) => slugTaken(db, term.taxonomy, c, term.id));
    else
      throw new ContentError(
        'duplicate_term_slug',
        `The slug &#8220;${slug}&#8221; is already in use by another term.`,
      );
  }
  await db
    .updateTable('terms')
    .set({ name, slug, description: changes.description ?? term.description, parent })
    .where('id', '=', term.id)
    .execute();
  return (await findTerm(db, term.id, term.taxonomy))!;
}

async function termAncestors(db: Kysely<Database>, id: number): Promise<number[]> {
  const out: number[] = [];
  let current = id;
  while (current > 0 && out.length < 100) {
    const row = await db
      .selectFrom('terms')
      .select('parent')
      .where('id', '=', current)
      .executeTakeFirst();
    current = row ? Number(row.parent) : 0;
    if (current > 0) {
      if (out.includes(current)) break;
      out.push(current);
    }
  }
  return out;
}

/**
 * Deletes a term. Its children move up to its parent, and posts left without a category get
 * the default one, as in WordPress.
 */
export async function deleteTerm(db: Kysely<Database>, term: Term): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const affected = await tx
      .selectFrom('term_relationships')
      .select('post_id')
      .where('term_id', '=', term.id)
      .execute();
    await tx
      .updateTable('terms')
      .set({ parent: term.parent })
      .where('parent', '=', term.id)
      .execute();
    await tx.deleteFrom('term_relationships').where('term_id', '=', term.id).execute();
    await tx.deleteFrom('terms').where('id', '=', term.id).execute();
    if (term.taxonomy !== 'category' || affected.length === 0) return;
    const orphans = await tx
      .selectFrom('posts')
      .select('id')
      .where('type', '=', 'post')
      .where(
        'id',
        'in',
        affected.map((a) => Number(a.post_id)),
      )
      .where((eb) =>
        eb.not(
          eb(
            'id',
            'in',
            eb
              .selectFrom('term_relationships')
              .innerJoin('terms', 'terms.id', 'term_relationships.term_id')
              .select('term_relationships.post_id')
              .where('terms.taxonomy', '=', 'category'),
          ),
        ),
      )
      .execute();
    if (orphans.length > 0)
      await tx
        .insertInto('term_relationships')
        .values(orphans.map((o) => ({ post_id: Number(o.id), term_id: DEFAULT_CATEGORY_ID })))
        .execute();
  });
}

/** Category and tag ids of each post, in one query. */
export async function termIdsOfPosts(
  db: Kysely<Database>,
  postIds: number[],
): Promise<Map<number, { categories: number[]; tags: number[] }>> {
  const out = new Map<number, { categories: number[]; tags: number[] }>();
  for (const id of postIds) out.set(id, { categories: [], tags: [] });
  if (postIds.length === 0) return out;
  const rows = await db
    .selectFrom('term_relationships')
    .innerJoin('terms', 'terms.id', 'term_relationships.term_id')
    .select(['term_relationships.post_id', 'terms.id', 'terms.taxonomy'])
    .where('term_relationships.post_id', 'in', postIds)
    .orderBy('terms.id', 'asc')
    .execute();
  for (const row of rows) {
    const entry = out.get(Number(row.post_id));
    if (!entry) continue;
    (row.taxonomy === 'post_tag' ? entry.tags : entry.categories).push(Number(row.id));
  }
  return out;
}

/** The subset of `ids` that are terms of `taxonomy`. */
export async function existingTermIds(
  db: Kysely<Database>,
  taxonomy: Taxonomy,
  ids: number[],
): Promise<number[]> {
  const valid = ids.filter(isDbId);
  if (valid.length === 0) return [];
  const rows = await db
    .selectFrom('terms')
    .select('id')
    .where('taxonomy', '=', taxonomy)
    .where('id', 'in', valid)
    .execute();
  return rows.map((r) => Number(r.id));
}
