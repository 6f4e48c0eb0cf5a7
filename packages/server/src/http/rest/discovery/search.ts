import {
  postPath,
  publishDuePosts,
  searchPublishedPosts,
  searchTerms,
  type Post,
  type PostType,
  type Taxonomy,
  type Term,
} from '../../../content/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import type { ArgSpecs } from '../args.js';
import { bracketArrayArgs, intList, stringArg } from '../content/argReaders.js';
import { collectionHeaders, PAGING_ARGS } from '../content/pagination.js';
import { restUrl } from '../content/resourceContext.js';
import { REST_BASE } from '../content/postShape.js';
import { termResource } from '../content/terms.js';
import { restEndpoint, type RestRegistry, type RestRequest } from '../registry.js';

/** What each kind of search covers: public post types but attachments; both taxonomies. */
const POST_SUBTYPES: readonly PostType[] = ['post', 'page'];
const TERM_SUBTYPES: readonly Taxonomy[] = ['category', 'post_tag'];
const ANY = 'any';

const SEARCH_ARGS = {
  context: {
    type: 'string',
    description: 'Scope under which the request is made; determines fields present in response.',
    enum: ['view', 'embed'],
    default: 'view',
  },
  page: PAGING_ARGS.page,
  per_page: PAGING_ARGS.per_page,
  search: PAGING_ARGS.search,
  type: {
    type: 'string',
    description: 'Limit results to items of an object type.',
    enum: ['post', 'term'],
    default: 'post',
  },
  subtype: {
    type: 'array',
    description: 'Limit results to items of one or more object subtypes.',
    items: { type: 'string', enum: [...POST_SUBTYPES, ...TERM_SUBTYPES, ANY] },
    default: ANY,
  },
  exclude: {
    type: 'array',
    description: 'Ensure result set excludes specific IDs.',
    items: { type: 'integer' },
    default: [],
  },
  include: {
    type: 'array',
    description: 'Limit result set to specific IDs.',
    items: { type: 'integer' },
    default: [],
  },
} satisfies ArgSpecs;

/** WordPress's sanitize_subtypes: `any` wins; otherwise only the subtypes of the requested type. */
function subtypesOf<T extends string>(req: RestRequest, known: readonly T[]): T[] {
  const value = req.args.subtype;
  const asked = (Array.isArray(value) ? value : [value]).map(String);
  if (asked.includes(ANY)) return [...known];
  return known.filter((subtype) => asked.includes(subtype));
}

function postResult(ctx: AppContext, post: Post): Record<string, unknown> {
  return {
    id: post.id,
    title: post.title,
    url: `${ctx.config.siteUrl}${postPath(post)}`,
    type: 'post',
    subtype: post.type,
    _links: {
      self: [{ embeddable: true, href: restUrl(ctx, `wp/v2/${REST_BASE[post.type]}/${post.id}`) }],
      about: [{ href: restUrl(ctx, `wp/v2/types/${post.type}`) }],
      collection: [{ href: restUrl(ctx, 'wp/v2/search') }],
    },
  };
}

/**
 * A term result, as WordPress 6.1 writes it: `type` is the taxonomy (`category`, `post_tag`)
 * and there is no `subtype`. Clients that link to terms (the block editor) read it that way.
 */
function termResult(ctx: AppContext, term: Term): Record<string, unknown> {
  const base = term.taxonomy === 'category' ? 'categories' : 'tags';
  return {
    id: term.id,
    title: term.name,
    url: termResource(ctx.config.siteUrl, term, 'embed').link,
    type: term.taxonomy,
    _links: {
      self: [{ embeddable: true, href: restUrl(ctx, `wp/v2/${base}/${term.id}`) }],
      about: [{ href: restUrl(ctx, `wp/v2/taxonomies/${term.taxonomy}`) }],
      collection: [{ href: restUrl(ctx, 'wp/v2/search') }],
    },
  };
}

export function registerSearchRoute(ctx: AppContext, registry: RestRegistry): void {
  registry.register({
    namespace: 'wp/v2',
    // Searches only what is public; any credential may ask.
    tier: 'content',
    route: '/search',
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: SEARCH_ARGS,
        handler: async (req) => {
          bracketArrayArgs(req, SEARCH_ARGS);
          const { page, per_page: perPage } = req.args;
          const query = {
            page,
            perPage,
            search: stringArg(req, 'search') || undefined,
            include: intList(req.args.include),
            exclude: intList(req.args.exclude),
          };
          let items: Record<string, unknown>[];
          let total: number;
          if (req.args.type === 'term') {
            const found = await searchTerms(ctx.db, {
              ...query,
              taxonomies: subtypesOf(req, TERM_SUBTYPES),
            });
            items = found.terms.map((term) => termResult(ctx, term));
            total = found.total;
          } else {
            // Scheduled posts whose time has come are public now.
            await publishDuePosts(ctx.db, ctx.now());
            const found = await searchPublishedPosts(ctx.db, {
              ...query,
              types: subtypesOf(req, POST_SUBTYPES),
            });
            items = found.posts.map((post) => postResult(ctx, post));
            total = found.total;
          }
          if (total > 0 && page > Math.ceil(total / perPage))
            throw new HttpError(
              400,
              'rest_search_invalid_page_number',
              'The page number requested is larger than the number of pages available.',
            );
          return {
            body: items,
            headers: collectionHeaders(req, 'wp/v2/search', page, perPage, total),
          };
        },
      }),
    ],
  });
}
