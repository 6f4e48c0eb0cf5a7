import { can } from '../../accounts/index.js';
import type { User } from '../../accounts/index.js';
import {
  ContentError,
  createTerm,
  DEFAULT_CATEGORY_ID,
  deleteTerm,
  findTerm,
  htmlToText,
  isHierarchical,
  listTerms,
  sanitizeTitleHtml,
  updateTerm,
  type Taxonomy,
  type Term,
  type TermChanges,
  type TermOrderBy,
} from '../../content/index.js';
import type { AppContext } from '../../context.js';
import { notFound, notPermitted, XmlRpcFault } from '../faults.js';
import {
  BLOG_USER_PASS,
  intParam,
  memberInt,
  memberString,
  optionalIntParam,
  stringParam,
  structParam,
  truthy,
  type AuthenticatedCall,
  type MethodTable,
} from '../method.js';
import { isTaxonomyName, mayAssignTerms } from '../postTypes.js';
import { termFeedLink, termLink, termStruct } from '../shapes.js';
import { newStruct, type XmlRpcStruct, type XmlRpcValue } from '../values.js';

/** Every term of a taxonomy, by name. */
async function allTerms(ctx: AppContext, taxonomy: Taxonomy, hideEmpty = false): Promise<Term[]> {
  const out: Term[] = [];
  for (let page = 1; page <= 100; page++) {
    const { terms, total } = await listTerms(ctx.db, {
      taxonomy,
      page,
      perPage: 100,
      hideEmpty,
      orderBy: 'name',
      order: 'asc',
    });
    out.push(...terms);
    if (page * 100 >= total || terms.length === 0) break;
  }
  return out;
}

const requireEditPosts = (call: AuthenticatedCall, what: 'categories' | 'tags') => {
  if (!can(call.principal.user, 'edit_posts'))
    throw notPermitted(
      `Sorry, you must be able to edit posts on this site in order to view ${what}.`,
    );
};

/** `metaWeblog.getCategories` / `wp.getCategories`. */
async function categories(call: AuthenticatedCall): Promise<XmlRpcValue> {
  requireEditPosts(call, 'categories');
  const site = call.ctx.config.siteUrl;
  return (await allTerms(call.ctx, 'category')).map((term) =>
    Object.assign(newStruct(), {
      categoryId: term.id,
      parentId: term.parent,
      description: term.name,
      categoryDescription: term.description,
      categoryName: term.name,
      htmlUrl: termLink(site, term),
      rssUrl: termFeedLink(site, term),
    }),
  );
}

const invalidTaxonomy = () => new XmlRpcFault(403, 'Invalid taxonomy.');
const invalidTermId = () => notFound('Invalid term ID.');

function taxonomyOf(value: XmlRpcValue | undefined): Taxonomy {
  if (!isTaxonomyName(value)) throw invalidTaxonomy();
  return value;
}

/** The site's default category can never be deleted (WordPress's `delete_term` rule). */
const termRef = (term: Term) => ({
  taxonomy: term.taxonomy,
  isDefault: term.taxonomy === 'category' && term.id === DEFAULT_CATEGORY_ID,
});

/** Term names are plain text for everyone; descriptions keep inline markup only when filtered. */
const cleanDescription = (user: User, text: string) =>
  can(user, 'unfiltered_html') ? text : sanitizeTitleHtml(text);

/** `get_terms`' `orderby` values. */
const TERM_ORDER_BY: Record<string, TermOrderBy> = {
  name: 'name',
  slug: 'slug',
  term_group: 'term_group',
  term_id: 'id',
  id: 'id',
  description: 'description',
  count: 'count',
};

/** A parent of a new or edited term: it must be a term of the same taxonomy. */
async function requireParent(ctx: AppContext, taxonomy: Taxonomy, parent: number): Promise<void> {
  if (parent !== 0 && !(await findTerm(ctx.db, parent, taxonomy)))
    throw new XmlRpcFault(403, 'Parent term does not exist.');
}

function termName(struct: XmlRpcStruct): string | undefined {
  const name = memberString(struct, 'name');
  if (name === undefined) return undefined;
  const text = htmlToText(name).trim();
  if (text === '') throw new XmlRpcFault(403, 'The term name cannot be empty.');
  return text;
}

/** Categories and tags: the old category methods and WordPress's taxonomy-generic `wp.*Term*`. */
export const termMethods: MethodTable = {
  'metaWeblog.getCategories': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: categories,
  },
  'wp.getCategories': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: categories,
  },
  'mt.getCategoryList': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      requireEditPosts(call, 'categories');
      return (await allTerms(call.ctx, 'category')).map((term) =>
        Object.assign(newStruct(), { categoryId: term.id, categoryName: term.name }),
      );
    },
  },
  'wp.getTags': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      requireEditPosts(call, 'tags');
      const site = call.ctx.config.siteUrl;
      // WordPress's get_tags(): tags that published posts carry.
      return (await allTerms(call.ctx, 'post_tag', true)).map((term) =>
        Object.assign(newStruct(), {
          tag_id: term.id,
          name: term.name,
          count: term.count,
          slug: term.slug,
          html_url: termLink(site, term),
          rss_url: termFeedLink(site, term),
        }),
      );
    },
  },
  'wp.newCategory': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      if (!can(call.principal.user, { capability: 'edit_terms', taxonomy: 'category' }))
        throw notPermitted('Sorry, you are not allowed to add a category.');
      const category = structParam(call, 3, 'category');
      const name = htmlToText(memberString(category, 'name') ?? '');
      const description = memberString(category, 'description') ?? '';
      const parent = memberInt(category, 'parent_id') ?? 0;
      if (parent !== 0 && !(await findTerm(call.ctx.db, parent, 'category')))
        throw new XmlRpcFault(500, 'Sorry, the category could not be created.');
      try {
        const term = await createTerm(call.ctx.db, {
          taxonomy: 'category',
          name,
          slug: memberString(category, 'slug') || undefined,
          description: can(call.principal.user, 'unfiltered_html')
            ? description
            : sanitizeTitleHtml(description),
          parent,
        });
        return term.id;
      } catch (error) {
        if (!(error instanceof ContentError)) throw error;
        // WordPress answers an existing category with its id.
        if (error.code === 'term_exists') return Number(error.data.term_id);
        throw new XmlRpcFault(500, 'Sorry, the category could not be created.');
      }
    },
  },
  'wp.deleteCategory': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const term = await findTerm(call.ctx.db, intParam(call, 3, 'category_id'), 'category');
      // WordPress asks delete_term first, which a missing term never passes.
      if (!term || !can(call.principal.user, { capability: 'delete_term', term: termRef(term) }))
        throw notPermitted('Sorry, you are not allowed to delete this category.');
      await deleteTerm(call.ctx.db, term);
      return true;
    },
  },
  'wp.suggestCategories': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const wanted = stringParam(call, 3, 'category').trim().toLowerCase();
      const max = Math.max(0, optionalIntParam(call, 4, 'max_results') ?? 0);
      requireEditPosts(call, 'categories');
      // WordPress's `name__like`: the name contains the text; 0 results means no limit.
      const found = (await allTerms(call.ctx, 'category')).filter((t) =>
        t.name.toLowerCase().includes(wanted),
      );
      return found
        .slice(0, max === 0 ? undefined : max)
        .map((term) =>
          Object.assign(newStruct(), { category_id: term.id, category_name: term.name }),
        );
    },
  },
  'wp.getTerm': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 5,
    handler: async (call) => {
      const taxonomy = taxonomyOf(call.params[3]);
      const term = await findTerm(call.ctx.db, intParam(call, 4, 'term_id'), taxonomy);
      if (!term) throw invalidTermId();
      if (!can(call.principal.user, { capability: 'assign_term', term: termRef(term) }))
        throw notPermitted('Sorry, you are not allowed to assign this term.');
      return termStruct(term);
    },
  },
  'wp.getTerms': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const taxonomy = taxonomyOf(call.params[3]);
      const filter = structParam(call, 4, 'filter');
      if (!mayAssignTerms(call.principal.user, taxonomy))
        throw notPermitted('Sorry, you are not allowed to assign terms in this taxonomy.');
      const number = Math.abs(memberInt(filter, 'number') ?? 0);
      const { terms } = await listTerms(call.ctx.db, {
        taxonomy,
        page: 1,
        // No number: every term, as WordPress's `get => all`.
        perPage: number === 0 ? 10_000 : Math.min(number, 10_000),
        offset: Math.abs(memberInt(filter, 'offset') ?? 0),
        search: memberString(filter, 'search') || undefined,
        hideEmpty: truthy(filter.hide_empty),
        orderBy: TERM_ORDER_BY[memberString(filter, 'orderby') ?? 'name'] ?? 'name',
        order: memberString(filter, 'order')?.toLowerCase() === 'desc' ? 'desc' : 'asc',
      });
      return terms.map(termStruct);
    },
  },
  'wp.newTerm': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const user = call.principal.user;
      const struct = structParam(call, 3, 'content_struct');
      const taxonomy = taxonomyOf(struct.taxonomy);
      if (!can(user, { capability: 'edit_terms', taxonomy }))
        throw notPermitted('Sorry, you are not allowed to create terms in this taxonomy.');
      const name = termName(struct);
      if (name === undefined) throw new XmlRpcFault(403, 'The term name cannot be empty.');
      const parent = memberInt(struct, 'parent');
      if (parent !== undefined) {
        if (!isHierarchical(taxonomy))
          throw new XmlRpcFault(403, 'This taxonomy is not hierarchical.');
        await requireParent(call.ctx, taxonomy, parent);
      }
      const description = memberString(struct, 'description');
      const term = await createTerm(call.ctx.db, {
        taxonomy,
        name,
        slug: memberString(struct, 'slug') || undefined,
        description: description === undefined ? '' : cleanDescription(user, description),
        parent: parent ?? 0,
      });
      return String(term.id);
    },
  },
  'wp.editTerm': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 5,
    handler: async (call) => {
      const user = call.principal.user;
      const id = intParam(call, 3, 'term_id');
      const struct = structParam(call, 4, 'content_struct');
      const taxonomy = taxonomyOf(struct.taxonomy);
      const term = await findTerm(call.ctx.db, id, taxonomy);
      if (!term) throw invalidTermId();
      if (!can(user, { capability: 'edit_term', term: termRef(term) }))
        throw notPermitted('Sorry, you are not allowed to edit this term.');
      const changes: TermChanges = {};
      const name = termName(struct);
      if (name !== undefined) changes.name = name;
      // As in WordPress, an empty parent (0) leaves the parent as it is.
      const parent = memberInt(struct, 'parent');
      if (parent) {
        if (!isHierarchical(taxonomy))
          throw new XmlRpcFault(403, 'Cannot set parent term, taxonomy is not hierarchical.');
        await requireParent(call.ctx, taxonomy, parent);
        changes.parent = parent;
      }
      const description = memberString(struct, 'description');
      if (description !== undefined) changes.description = cleanDescription(user, description);
      const slug = memberString(struct, 'slug');
      if (slug !== undefined) changes.slug = slug;
      await updateTerm(call.ctx.db, term, changes);
      return true;
    },
  },
  'wp.deleteTerm': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 5,
    handler: async (call) => {
      const taxonomy = taxonomyOf(call.params[3]);
      const term = await findTerm(call.ctx.db, intParam(call, 4, 'term_id'), taxonomy);
      if (!term) throw invalidTermId();
      if (!can(call.principal.user, { capability: 'delete_term', term: termRef(term) }))
        throw notPermitted('Sorry, you are not allowed to delete this term.');
      await deleteTerm(call.ctx.db, term);
      return true;
    },
  },
};
