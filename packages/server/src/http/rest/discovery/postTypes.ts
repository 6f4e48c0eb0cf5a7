import type { PostType, Taxonomy, User } from '../../../accounts/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import type { ArgSpecs } from '../args.js';
import {
  CONTEXT_ARG,
  contextOf,
  CURIES,
  restUrl,
  type Context,
} from '../content/resourceContext.js';
import { denied } from '../denied.js';
import { typeCan } from '../content/callerAccess.js';
import { restEndpoint, type RestRegistry } from '../registry.js';
import { attachmentLabels, postTypeLabels, type Labels } from './labels.js';

/** A post type as Latchkey serves it: WordPress's built-in registration, limited to what we keep. */
interface PostTypeDefinition {
  slug: PostType;
  name: string;
  hierarchical: boolean;
  icon: string;
  restBase: string;
  taxonomies: Taxonomy[];
  /**
   * Only the features Latchkey stores: no comments, trackbacks, revisions or custom fields,
   * so editors do not offer panels that would save nothing.
   */
  supports: string[];
  /** WordPress's `capability_type`: the nouns of the primitive capabilities. */
  capabilityType: { singular: string; plural: string };
  /** What `create_posts` maps to (attachments: uploading). */
  createCapability?: string;
  showInNavMenus: boolean;
  labels: Labels;
}

export const POST_TYPES: readonly PostTypeDefinition[] = [
  {
    slug: 'post',
    name: 'Posts',
    hierarchical: false,
    icon: 'dashicons-admin-post',
    restBase: 'posts',
    taxonomies: ['category', 'post_tag'],
    supports: ['title', 'editor', 'author', 'thumbnail', 'excerpt', 'post-formats'],
    capabilityType: { singular: 'post', plural: 'posts' },
    showInNavMenus: true,
    labels: postTypeLabels({ singular: 'Post', plural: 'Posts', hierarchical: false }),
  },
  {
    slug: 'page',
    name: 'Pages',
    hierarchical: true,
    icon: 'dashicons-admin-page',
    restBase: 'pages',
    taxonomies: [],
    supports: ['title', 'editor', 'author', 'thumbnail', 'page-attributes'],
    capabilityType: { singular: 'page', plural: 'pages' },
    showInNavMenus: true,
    labels: postTypeLabels({ singular: 'Page', plural: 'Pages', hierarchical: true }),
  },
  {
    slug: 'attachment',
    name: 'Media',
    hierarchical: false,
    icon: 'dashicons-admin-media',
    restBase: 'media',
    taxonomies: [],
    supports: ['title', 'author'],
    capabilityType: { singular: 'post', plural: 'posts' },
    createCapability: 'upload_files',
    showInNavMenus: false,
    labels: attachmentLabels(),
  },
];

/** Whether the caller may edit posts of at least one type: what opens the edit context and non-public statuses. */
export const mayEditAnyPostType = (user: User | undefined) =>
  POST_TYPES.some((t) => typeCan(user, t.slug, 'edit_posts'));

/** WordPress's `$post_type->cap` with `map_meta_cap`, in its key order. */
function capabilities(type: PostTypeDefinition): Record<string, string> {
  const { singular: s, plural: p } = type.capabilityType;
  return {
    edit_post: `edit_${s}`,
    read_post: `read_${s}`,
    delete_post: `delete_${s}`,
    edit_posts: `edit_${p}`,
    edit_others_posts: `edit_others_${p}`,
    delete_posts: `delete_${p}`,
    publish_posts: `publish_${p}`,
    read_private_posts: `read_private_${p}`,
    read: 'read',
    delete_private_posts: `delete_private_${p}`,
    delete_published_posts: `delete_published_${p}`,
    delete_others_posts: `delete_others_${p}`,
    edit_private_posts: `edit_private_${p}`,
    edit_published_posts: `edit_published_${p}`,
    create_posts: type.createCapability ?? `edit_${p}`,
  };
}

/** A post type as wp/v2/types shows it, in WordPress 6.1's key order for the context. */
export function postTypeResource(
  ctx: AppContext,
  type: PostTypeDefinition,
  context: Context,
): Record<string, unknown> {
  const _links = {
    collection: [{ href: restUrl(ctx, 'wp/v2/types') }],
    'wp:items': [{ href: restUrl(ctx, `wp/v2/${type.restBase}`) }],
    curies: CURIES,
  };
  const named = { name: type.name, slug: type.slug, icon: type.icon };
  const rest = { rest_base: type.restBase, rest_namespace: 'wp/v2' };
  if (context === 'embed') return { ...named, ...rest, _links };
  const described = { description: '', hierarchical: type.hierarchical, has_archive: false };
  if (context === 'view')
    return { ...described, ...named, taxonomies: type.taxonomies, ...rest, _links };
  return {
    capabilities: capabilities(type),
    ...described,
    visibility: { show_in_nav_menus: type.showInNavMenus, show_ui: true },
    viewable: true,
    labels: type.labels,
    ...named,
    supports: Object.fromEntries(type.supports.map((feature) => [feature, true])),
    taxonomies: type.taxonomies,
    ...rest,
    _links,
  };
}

const EDIT_MESSAGE = 'Sorry, you are not allowed to edit posts in this post type.';

export function registerPostTypeRoutes(ctx: AppContext, registry: RestRegistry): void {
  registry.register({
    namespace: 'wp/v2',
    // Discovery: what any credential may read, like the index.
    tier: 'content',
    route: '/types',
    endpoints: [
      {
        methods: ['GET'],
        args: CONTEXT_ARG,
        permission: (req) =>
          contextOf(req) !== 'edit' || mayEditAnyPostType(req.auth.user)
            ? true
            : denied(req, 'rest_cannot_view', EDIT_MESSAGE),
        handler: (req) => {
          const context = contextOf(req);
          const body: Record<string, unknown> = {};
          for (const type of POST_TYPES) {
            // The edit context lists only the types the caller may edit.
            if (context === 'edit' && !typeCan(req.auth.user, type.slug, 'edit_posts')) continue;
            body[type.slug] = postTypeResource(ctx, type, context);
          }
          return { body };
        },
      },
    ],
  });

  const typeArg = {
    type: { type: 'string', description: 'An alphanumeric identifier for the post type.' },
  } satisfies ArgSpecs;

  registry.register({
    namespace: 'wp/v2',
    tier: 'content',
    route: '/types/(?P<type>[\\w-]+)',
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: { ...typeArg, ...CONTEXT_ARG },
        handler: (req) => {
          const type = POST_TYPES.find((t) => t.slug === req.args.type);
          if (!type) throw new HttpError(404, 'rest_type_invalid', 'Invalid post type.');
          if (contextOf(req) === 'edit' && !typeCan(req.auth.user, type.slug, 'edit_posts'))
            throw denied(req, 'rest_forbidden_context', EDIT_MESSAGE);
          return { body: postTypeResource(ctx, type, contextOf(req)) };
        },
      }),
    ],
  });
}
