import type { PostStatus } from '../../../content/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import type { ArgSpecs } from '../args.js';
import { CONTEXT_ARG, contextOf, restUrl, type Context } from '../content/resourceContext.js';
import { denied } from '../denied.js';
import type { RestRegistry, RestRequest } from '../registry.js';
import { mayEditAnyPostType } from './postTypes.js';

/** A post status as WordPress registers it (`register_post_status`). */
interface StatusDefinition {
  slug: PostStatus;
  name: string;
  private: boolean;
  protected: boolean;
  public: boolean;
  /** Listed in "All" of an admin list; the trash is not. */
  showInList: boolean;
  /** Posts in this status keep following the save time until someone dates them. */
  dateFloating: boolean;
}

const status = (
  slug: PostStatus,
  name: string,
  flags: Partial<Omit<StatusDefinition, 'slug' | 'name'>>,
): StatusDefinition => ({
  slug,
  name,
  private: false,
  protected: false,
  public: false,
  showInList: true,
  dateFloating: false,
  ...flags,
});

/** Every status Latchkey stores, in WordPress's order. */
export const STATUSES: readonly StatusDefinition[] = [
  status('publish', 'Published', { public: true }),
  status('future', 'Scheduled', { protected: true }),
  status('draft', 'Draft', { protected: true, dateFloating: true }),
  status('pending', 'Pending', { protected: true, dateFloating: true }),
  status('private', 'Private', { private: true }),
  status('trash', 'Trash', { showInList: false }),
];

/**
 * WordPress's rule: the public status is for everyone; the others only for those who may edit
 * posts of some type, since they describe work in progress.
 */
const mayRead = (req: RestRequest, definition: StatusDefinition) =>
  definition.public || mayEditAnyPostType(req.auth.user);

/** A post status as wp/v2/statuses shows it, in WordPress's key order for the context. */
export function statusResource(
  ctx: AppContext,
  definition: StatusDefinition,
  context: Context,
): Record<string, unknown> {
  const posts = restUrl(ctx, 'wp/v2/posts');
  const _links = {
    archives: [
      { href: definition.slug === 'publish' ? posts : `${posts}?status=${definition.slug}` },
    ],
  };
  const { name, slug } = definition;
  if (context === 'embed') return { name, slug, _links };
  const queryable = definition.public;
  if (context === 'view')
    return {
      name,
      public: definition.public,
      queryable,
      slug,
      date_floating: definition.dateFloating,
      _links,
    };
  return {
    name,
    private: definition.private,
    protected: definition.protected,
    public: definition.public,
    queryable,
    show_in_list: definition.showInList,
    slug,
    date_floating: definition.dateFloating,
    _links,
  };
}

export function registerStatusRoutes(ctx: AppContext, registry: RestRegistry): void {
  registry.register({
    namespace: 'wp/v2',
    // Discovery: what any credential may read, like the index.
    tier: 'content',
    route: '/statuses',
    endpoints: [
      {
        methods: ['GET'],
        args: CONTEXT_ARG,
        permission: (req) =>
          contextOf(req) !== 'edit' || mayEditAnyPostType(req.auth.user)
            ? true
            : denied(
                req,
                'rest_cannot_view',
                'Sorry, you are not allowed to manage post statuses.',
              ),
        handler: (req) => {
          const body: Record<string, unknown> = {};
          for (const definition of STATUSES)
            if (mayRead(req, definition))
              body[definition.slug] = statusResource(ctx, definition, contextOf(req));
          return { body };
        },
      },
    ],
  });

  const statusArg = {
    status: { type: 'string', description: 'An alphanumeric identifier for the status.' },
  } satisfies ArgSpecs;
  const find = (req: RestRequest) => STATUSES.find((s) => s.slug === req.args.status);

  registry.register({
    namespace: 'wp/v2',
    tier: 'content',
    route: '/statuses/(?P<status>[\\w-]+)',
    endpoints: [
      {
        methods: ['GET'],
        args: { ...statusArg, ...CONTEXT_ARG },
        permission: (req) => {
          const definition = find(req);
          if (!definition) return new HttpError(404, 'rest_status_invalid', 'Invalid status.');
          return mayRead(req, definition)
            ? true
            : denied(req, 'rest_cannot_read_status', 'Cannot view status.');
        },
        handler: (req) => {
          const definition = find(req);
          if (!definition) throw new HttpError(404, 'rest_status_invalid', 'Invalid status.');
          return { body: statusResource(ctx, definition, contextOf(req)) };
        },
      },
    ],
  });
}
