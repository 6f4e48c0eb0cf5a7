import { can, isRole, listUsers } from '../../../accounts/index.js';
import type { AppContext } from '../../../context.js';
import type { ArgValues } from '../args.js';
import { denied } from '../denied.js';
import { restEndpoint, type RestRegistry, type RestRequest } from '../registry.js';
import { userResource } from '../userShape.js';
import type { UserRouteOptions } from '../users.js';
import { createUserEndpoint } from './createEndpoint.js';
import { LIST_ARGS } from './specs.js';

const ORDER_COLUMNS = {
  id: 'id',
  name: 'display_name',
  registered_date: 'registered',
  slug: 'login',
  email: 'email',
} as const;

/** One page of users: everyone to list_users, otherwise only enabled published authors. */
async function listVisibleUsers(
  ctx: AppContext,
  options: UserRouteOptions,
  req: RestRequest<ArgValues<typeof LIST_ARGS>>,
) {
  const page = req.args.page;
  const perPage = req.args.per_page;
  const mayList = req.auth.user !== undefined && can(req.auth.user, 'list_users');
  let { users, total } = await listUsers(ctx.db, {
    page: mayList ? page : 1,
    perPage: mayList ? perPage : 100_000,
    search: req.args.search,
    roles: req.args.roles?.filter(isRole),
    orderBy: ORDER_COLUMNS[req.args.orderby],
    order: req.args.order,
  });
  if (!mayList) {
    const visible = await options.publishedAuthorIds();
    const all = users.filter((u) => visible.has(u.id) && !u.disabled);
    total = all.length;
    users = all.slice((page - 1) * perPage, page * perPage);
  }
  return { users, total, totalPages: Math.ceil(total / perPage) };
}

/** `/wp/v2/users`: list and create. */
export function registerUserCollectionRoutes(
  ctx: AppContext,
  registry: RestRegistry,
  options: UserRouteOptions,
): void {
  const site = ctx.config.siteUrl;
  registry.register({
    namespace: 'wp/v2',
    route: '/users',
    tier: 'full',
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: LIST_ARGS,
        permission: (req) => {
          const user = req.auth.user;
          if (req.args.context === 'edit' && !(user && can(user, 'list_users'))) {
            return denied(
              req,
              'rest_forbidden_context',
              'Sorry, you are not allowed to list users.',
            );
          }
          if (req.args.roles && !(user && can(user, 'list_users'))) {
            return denied(
              req,
              'rest_user_cannot_view',
              'Sorry, you are not allowed to filter users by role.',
            );
          }
          return true;
        },
        handler: async (req) => {
          const { users, total, totalPages } = await listVisibleUsers(ctx, options, req);
          return {
            body: users.map((u) => userResource(site, u, req.args.context)),
            headers: { 'x-wp-total': String(total), 'x-wp-totalpages': String(totalPages) },
          };
        },
      }),
      createUserEndpoint(ctx),
    ],
  });
}
