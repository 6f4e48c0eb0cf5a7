import { can } from '../../../accounts/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { denied } from '../denied.js';
import { restEndpoint, type RestRegistry } from '../registry.js';
import { userResource } from '../userShape.js';
import type { UserRouteOptions } from '../users.js';
import { deleteUserEndpoint } from './deleteEndpoint.js';
import { CONTEXT_ARG, ID_ARG } from './specs.js';
import { requireTarget, targetOf } from './target.js';
import { updateUserEndpoint } from './updateEndpoint.js';

/** GET one user: themselves, list_users, or a published author who is not disabled. */
const readUserEndpoint = (
  ctx: AppContext,
  options: UserRouteOptions,
  idArg: Partial<typeof ID_ARG>,
  readTier: 'content' | 'full',
) =>
  restEndpoint({
    methods: ['GET'],
    // Reading one's own profile is within the content scope; changing it is not.
    tier: readTier,
    args: { ...idArg, ...CONTEXT_ARG },
    permission: async (req) => {
      const t = await targetOf(ctx, req);
      // WordPress lets anyone reach GET users/me and answers 401 from the handler, so
      // `Allow` still lists GET for a signed-out caller.
      if (t instanceof HttpError) return req.args.id === undefined ? true : t;
      const actor = req.auth.user;
      if (actor && actor.id === t.id) return true;
      if (
        req.args.context === 'edit' &&
        !(actor && can(actor, { capability: 'edit_user', user: t }))
      ) {
        return denied(req, 'rest_user_cannot_view', 'Sorry, you are not allowed to list users.');
      }
      if (actor && can(actor, 'list_users')) return true;
      if ((await options.publishedAuthorIds()).has(t.id) && !t.disabled) return true;
      return denied(req, 'rest_user_cannot_view', 'Sorry, you are not allowed to list users.');
    },
    handler: async (req) => ({
      body: userResource(ctx.config.siteUrl, await requireTarget(ctx, req), req.args.context),
    }),
  });

/** `/wp/v2/users/{id}` and `/wp/v2/users/me` (which has no id: there `req.args.id` is undefined). */
export function registerOneUserRoutes(
  ctx: AppContext,
  registry: RestRegistry,
  options: UserRouteOptions,
): void {
  const single = (route: string, idArg: Partial<typeof ID_ARG>, readTier: 'content' | 'full') =>
    registry.register({
      namespace: 'wp/v2',
      route,
      tier: 'full',
      endpoints: [
        readUserEndpoint(ctx, options, idArg, readTier),
        updateUserEndpoint(ctx, idArg),
        deleteUserEndpoint(ctx, idArg),
      ],
    });
  single('/users/(?P<id>[\\d]+)', ID_ARG, 'full');
  single('/users/me', {}, 'content');
}
