import { can } from '../../accounts/index.js';
import {
  ContentError,
  createTerm,
  findTerm,
  htmlToText,
  listTerms,
  sanitizeTitleHtml,
  type Taxonomy,
  type Term,
} from '../../content/index.js';
import type { AppContext } from '../../http/context.js';
import { notPermitted, XmlRpcFault } from '../faults.js';
import {
  BLOG_USER_PASS,
  memberInt,
  memberString,
  structParam,
  type AuthenticatedCall,
  type MethodTable,
} from '../method.js';
import { termFeedLink, termLink } from '../shapes.js';
import { newStruct, type XmlRpcValue } from '../values.js';

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

/** Categories and tags. */
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
};
