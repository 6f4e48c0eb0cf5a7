import type { Taxonomy } from '../../../accounts/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import type { ArgSpecs } from '../args.js';
import { callerCan } from '../content/callerAccess.js';
import {
  CONTEXT_ARG,
  contextOf,
  CURIES,
  restUrl,
  type Context,
} from '../content/resourceContext.js';
import { denied } from '../denied.js';
import { restEndpoint, type RestRegistry, type RestRequest } from '../registry.js';
import { taxonomyLabels, type Labels } from './labels.js';
import { POST_TYPES } from './postTypes.js';

interface TaxonomyDefinition {
  slug: Taxonomy;
  name: string;
  hierarchical: boolean;
  restBase: string;
  /** WordPress's capability names for the taxonomy (`$taxonomy->cap`). */
  capabilityNoun: string;
  labels: Labels;
}

export const TAXONOMIES: readonly TaxonomyDefinition[] = [
  {
    slug: 'category',
    name: 'Categories',
    hierarchical: true,
    restBase: 'categories',
    capabilityNoun: 'categories',
    labels: taxonomyLabels({
      singular: 'Category',
      plural: 'Categories',
      hierarchical: true,
      slug: 'category',
    }),
  },
  {
    slug: 'post_tag',
    name: 'Tags',
    hierarchical: false,
    restBase: 'tags',
    capabilityNoun: 'post_tags',
    labels: taxonomyLabels({
      singular: 'Tag',
      plural: 'Tags',
      hierarchical: false,
      slug: 'post_tag',
    }),
  },
];

/** The post types a taxonomy belongs to, from the one place that says so. */
const typesOf = (taxonomy: Taxonomy) =>
  POST_TYPES.filter((t) => t.taxonomies.includes(taxonomy)).map((t) => t.slug);

/** A taxonomy as wp/v2/taxonomies shows it, in WordPress 6.1's key order for the context. */
export function taxonomyResource(
  ctx: AppContext,
  taxonomy: TaxonomyDefinition,
  context: Context,
): Record<string, unknown> {
  const _links = {
    collection: [{ href: restUrl(ctx, 'wp/v2/taxonomies') }],
    'wp:items': [{ href: restUrl(ctx, `wp/v2/${taxonomy.restBase}`) }],
    curies: CURIES,
  };
  const named = { name: taxonomy.name, slug: taxonomy.slug };
  const rest = { rest_base: taxonomy.restBase, rest_namespace: 'wp/v2' };
  if (context === 'embed') return { ...named, ...rest, _links };
  const types = typesOf(taxonomy.slug);
  if (context === 'view')
    return {
      ...named,
      description: '',
      types,
      hierarchical: taxonomy.hierarchical,
      ...rest,
      _links,
    };
  const noun = taxonomy.capabilityNoun;
  return {
    ...named,
    capabilities: {
      manage_terms: `manage_${noun}`,
      edit_terms: `edit_${noun}`,
      delete_terms: `delete_${noun}`,
      assign_terms: `assign_${noun}`,
    },
    description: '',
    labels: taxonomy.labels,
    types,
    show_cloud: true,
    hierarchical: taxonomy.hierarchical,
    ...rest,
    visibility: {
      public: true,
      publicly_queryable: true,
      show_admin_column: true,
      show_in_nav_menus: true,
      show_in_quick_edit: true,
      show_ui: true,
    },
    _links,
  };
}

const MANAGE_MESSAGE = 'Sorry, you are not allowed to manage terms in this taxonomy.';

const mayAssign = (req: RestRequest, taxonomy: Taxonomy) =>
  callerCan(req.auth.user, { capability: 'assign_terms', taxonomy });

export function registerTaxonomyRoutes(ctx: AppContext, registry: RestRegistry): void {
  const listSpecs: ArgSpecs = {
    ...CONTEXT_ARG,
    type: {
      type: 'string',
      description: 'Limit results to taxonomies associated with a specific post type.',
    },
  };
  /** `?type=` narrows to that post type's taxonomies; a type without any (or unknown) has none. */
  const listed = (req: RestRequest) =>
    typeof req.args.type === 'string' && req.args.type !== ''
      ? TAXONOMIES.filter((t) => typesOf(t.slug).some((type) => type === req.args.type))
      : TAXONOMIES;

  registry.register({
    namespace: 'wp/v2',
    // Discovery: what any credential may read, like the index.
    tier: 'content',
    route: '/taxonomies',
    endpoints: [
      {
        methods: ['GET'],
        args: listSpecs,
        permission: (req) =>
          contextOf(req) !== 'edit' || listed(req).some((t) => mayAssign(req, t.slug))
            ? true
            : denied(req, 'rest_cannot_view', MANAGE_MESSAGE),
        handler: (req) => {
          const context = contextOf(req);
          const body: Record<string, unknown> = {};
          for (const taxonomy of listed(req)) {
            if (context === 'edit' && !mayAssign(req, taxonomy.slug)) continue;
            body[taxonomy.slug] = taxonomyResource(ctx, taxonomy, context);
          }
          // Empty, it is still an object (`{}`), as WordPress sends it.
          return { body };
        },
      },
    ],
  });

  const taxonomyArg = {
    taxonomy: { type: 'string', description: 'An alphanumeric identifier for the taxonomy.' },
  } satisfies ArgSpecs;

  registry.register({
    namespace: 'wp/v2',
    tier: 'content',
    route: '/taxonomies/(?P<taxonomy>[\\w-]+)',
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: { ...taxonomyArg, ...CONTEXT_ARG },
        handler: (req) => {
          const taxonomy = TAXONOMIES.find((t) => t.slug === req.args.taxonomy);
          if (!taxonomy) throw new HttpError(404, 'rest_taxonomy_invalid', 'Invalid taxonomy.');
          if (contextOf(req) === 'edit' && !mayAssign(req, taxonomy.slug))
            throw denied(req, 'rest_forbidden_context', MANAGE_MESSAGE);
          return { body: taxonomyResource(ctx, taxonomy, contextOf(req)) };
        },
      }),
    ],
  });
}
