import {
  createTerm,
  deleteTerm,
  findPost,
  findTerm,
  htmlToText,
  isHierarchical,
  listTerms,
  sanitizeTitleHtml,
  updateTerm,
  type Taxonomy,
  type Term,
  type TermChanges,
} from '../../../content/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import type { ArgSpecs, ArgValues } from '../args.js';
import { restEndpoint, type RestRegistry, type RestRequest } from '../registry.js';
import { bracketArrayArgs, idOf, intList, stringArg, stringList } from './argReaders.js';
import { callerCan } from './callerAccess.js';
import { collectionHeaders, PAGING_ARGS } from './pagination.js';
import { CONTEXT_ARG, contextOf, CURIES, type Context } from './resourceContext.js';
import { denied } from '../denied.js';
import { perRequest } from './perRequest.js';
import { canReadPost } from './posts.js';

const REST_BASE: Record<Taxonomy, string> = { category: 'categories', post_tag: 'tags' };
const ARCHIVE_BASE: Record<Taxonomy, string> = { category: 'category', post_tag: 'tag' };

/** A category or tag as wp/v2 shows it, in WordPress's key order. */
export function termResource(
  siteUrl: string,
  term: Term,
  context: Context,
): Record<string, unknown> {
  const api = `${siteUrl}/wp-json/wp/v2`;
  const base = REST_BASE[term.taxonomy];
  const links: Record<string, unknown> = {
    self: [{ href: `${api}/${base}/${term.id}` }],
    collection: [{ href: `${api}/${base}` }],
    about: [{ href: `${api}/taxonomies/${term.taxonomy}` }],
  };
  if (term.parent > 0) links.up = [{ embeddable: true, href: `${api}/${base}/${term.parent}` }];
  links['wp:post_type'] = [{ href: `${api}/posts?${base}=${term.id}` }];
  links.curies = CURIES;
  const link = `${siteUrl}/${ARCHIVE_BASE[term.taxonomy]}/${term.slug}/`;
  if (context === 'embed')
    return {
      id: term.id,
      link,
      name: term.name,
      slug: term.slug,
      taxonomy: term.taxonomy,
      _links: links,
    };
  return {
    id: term.id,
    count: term.count,
    description: term.description,
    link,
    name: term.name,
    slug: term.slug,
    taxonomy: term.taxonomy,
    ...(isHierarchical(term.taxonomy) ? { parent: term.parent } : {}),
    meta: [],
    _links: links,
  };
}

const invalidTerm = () => new HttpError(404, 'rest_term_invalid', 'Term does not exist.');

export function registerTermRoutes(
  ctx: AppContext,
  registry: RestRegistry,
  taxonomy: Taxonomy,
): void {
  const site = ctx.config.siteUrl;
  const base = REST_BASE[taxonomy];
  const hierarchical = isHierarchical(taxonomy);
  const loadTerm = perRequest((id) => findTerm(ctx.db, id, taxonomy));
  const termRef = (term: Term) => ({
    taxonomy,
    isDefault: taxonomy === 'category' && term.id === 1,
  });

  const listSpecs = {
    ...CONTEXT_ARG,
    ...PAGING_ARGS,
    order: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
    orderby: {
      type: 'string',
      enum: [
        'id',
        'include',
        'name',
        'slug',
        'include_slugs',
        'term_group',
        'description',
        'count',
      ],
      default: 'name',
    },
    hide_empty: { type: 'boolean', default: false },
    ...(hierarchical ? { parent: { type: 'integer' } } : {}),
    post: {
      type: 'integer',
      description: 'Limit result set to terms assigned to a specific post.',
    },
  } as const satisfies ArgSpecs;
  const writeSpecs = {
    description: { type: 'string', description: 'HTML description of the term.' },
    name: { type: 'string', description: 'HTML title for the term.', maxLength: 200 },
    slug: {
      type: 'string',
      description: 'An alphanumeric identifier for the term unique to its type.',
    },
    ...(hierarchical ? { parent: { type: 'integer', description: 'The parent term ID.' } } : {}),
    meta: { type: 'object', description: 'Meta fields.' },
  } as const satisfies ArgSpecs;

  /** Names are plain text for everyone; descriptions keep inline markup unless the caller may post any HTML. */
  const fieldsOf = async (
    req: RestRequest<ArgValues<typeof writeSpecs>>,
    term: Term | undefined,
  ): Promise<TermChanges> => {
    const unfiltered = callerCan(req.auth.user, 'unfiltered_html');
    const changes: TermChanges = {};
    const name = stringArg(req, 'name');
    if (name !== undefined) changes.name = htmlToText(name);
    const description = stringArg(req, 'description');
    if (description !== undefined)
      changes.description = unfiltered ? description : sanitizeTitleHtml(description);
    const slug = stringArg(req, 'slug');
    if (slug !== undefined) changes.slug = slug;
    if (req.args.parent !== undefined) {
      if (!hierarchical)
        throw new HttpError(
          400,
          'rest_taxonomy_not_hierarchical',
          'Cannot set parent term, taxonomy is not hierarchical.',
        );
      const { parent } = req.args;
      if (parent !== 0 && !(await findTerm(ctx.db, parent, taxonomy)))
        throw new HttpError(400, 'rest_term_invalid', 'Parent term does not exist.');
      if (term && parent === term.id)
        throw new HttpError(400, 'rest_term_invalid', 'Parent term does not exist.');
      changes.parent = parent;
    }
    return changes;
  };

  registry.register({
    namespace: 'wp/v2',
    tier: 'content',
    route: `/${base}`,
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: listSpecs,
        permission: async (req) => {
          bracketArrayArgs(req, listSpecs);
          const user = req.auth.user;
          if (contextOf(req) === 'edit' && !callerCan(user, { capability: 'edit_terms', taxonomy }))
            return denied(
              req,
              'rest_forbidden_context',
              'Sorry, you are not allowed to edit terms in this taxonomy.',
            );
          if (req.args.post !== undefined) {
            const post = await findPost(ctx.db, Number(req.args.post));
            if (!post) return new HttpError(400, 'rest_post_invalid_id', 'Invalid post ID.');
            // The terms of a draft are as private as the draft.
            if (!canReadPost(user, post))
              return denied(
                req,
                'rest_forbidden_context',
                'Sorry, you are not allowed to view terms for this post.',
              );
          }
          return true;
        },
        handler: async (req) => {
          const { page, per_page: perPage } = req.args;
          const { terms, total } = await listTerms(ctx.db, {
            taxonomy,
            page,
            perPage,
            offset: req.args.offset,
            search: stringArg(req, 'search') || undefined,
            include: intList(req.args.include),
            exclude: intList(req.args.exclude),
            slugs: stringList(req.args.slug),
            parent: intList(req.args.parent === undefined ? undefined : [req.args.parent])?.[0],
            post: req.args.post,
            hideEmpty: req.args.hide_empty === true,
            orderBy: req.args.orderby,
            order: req.args.order,
          });
          return {
            body: terms.map((t) => termResource(site, t, contextOf(req))),
            headers: collectionHeaders(req, `wp/v2/${base}`, page, perPage, total),
          };
        },
      }),
      restEndpoint({
        methods: ['POST'],
        args: { ...writeSpecs, name: { ...writeSpecs.name, required: true } },
        // Categories need the right to manage them; tags, being flat, only the right to assign.
        permission: (req) =>
          callerCan(req.auth.user, {
            capability: hierarchical ? 'edit_terms' : 'assign_terms',
            taxonomy,
          })
            ? true
            : denied(
                req,
                'rest_cannot_create',
                'Sorry, you are not allowed to create terms in this taxonomy.',
              ),
        handler: async (req) => {
          const fields = await fieldsOf(req, undefined);
          const term = await createTerm(ctx.db, {
            taxonomy,
            name: fields.name ?? '',
            slug: fields.slug,
            description: fields.description,
            parent: fields.parent,
          });
          return {
            status: 201,
            body: termResource(site, term, 'edit'),
            headers: { location: `${site}/wp-json/wp/v2/${base}/${term.id}` },
          };
        },
      }),
    ],
  });

  const idArg = {
    id: { type: 'integer', description: 'Unique identifier for the term.' },
  } satisfies ArgSpecs;

  registry.register({
    namespace: 'wp/v2',
    tier: 'content',
    route: `/${base}/(?P<id>[\\d]+)`,
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: { ...idArg, ...CONTEXT_ARG },
        permission: async (req) => {
          const term = await loadTerm(req, idOf(req));
          if (!term) return invalidTerm();
          if (
            contextOf(req) === 'edit' &&
            !callerCan(req.auth.user, { capability: 'edit_term', term: termRef(term) })
          )
            return denied(
              req,
              'rest_forbidden_context',
              'Sorry, you are not allowed to edit this term.',
            );
          return true;
        },
        handler: async (req) => {
          const term = await loadTerm(req, idOf(req));
          if (!term) throw invalidTerm();
          return { body: termResource(site, term, contextOf(req)) };
        },
      }),
      restEndpoint({
        methods: ['POST', 'PUT', 'PATCH'],
        args: { ...idArg, ...writeSpecs },
        permission: async (req) => {
          const term = await loadTerm(req, idOf(req));
          if (!term) return invalidTerm();
          return callerCan(req.auth.user, { capability: 'edit_term', term: termRef(term) })
            ? true
            : denied(req, 'rest_cannot_update', 'Sorry, you are not allowed to edit this term.');
        },
        handler: async (req) => {
          const term = await loadTerm(req, idOf(req));
          if (!term) throw invalidTerm();
          const updated = await updateTerm(ctx.db, term, await fieldsOf(req, term));
          return { body: termResource(site, updated, 'edit') };
        },
      }),
      restEndpoint({
        methods: ['DELETE'],
        args: {
          ...idArg,
          force: {
            type: 'boolean',
            default: false,
            description: 'Required to be true, as terms do not support trashing.',
          },
        },
        permission: async (req) => {
          const term = await loadTerm(req, idOf(req));
          if (!term) return invalidTerm();
          return callerCan(req.auth.user, { capability: 'delete_term', term: termRef(term) })
            ? true
            : denied(req, 'rest_cannot_delete', 'Sorry, you are not allowed to delete this term.');
        },
        handler: async (req) => {
          const term = await loadTerm(req, idOf(req));
          if (!term) throw invalidTerm();
          if (req.args.force !== true)
            throw new HttpError(
              501,
              'rest_trash_not_supported',
              "Terms do not support trashing. Set 'force' to true to delete.",
            );
          const previous = termResource(site, term, 'edit');
          await deleteTerm(ctx.db, term);
          return { body: { deleted: true, previous } };
        },
      }),
    ],
  });
}
