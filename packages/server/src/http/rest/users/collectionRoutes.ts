import { can, createUser, isRole, listUsers } from '../../../accounts/index.js';
import { recordAuditEvent } from '../../../audit/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import type { ArgValues } from '../args.js';
import { denied } from '../denied.js';
import { restEndpoint, signedIn, type RestRegistry, type RestRequest } from '../registry.js';
import { userResource } from '../userShape.js';
import type { UserRouteOptions } from '../users.js';
import { CREATE_ARGS, LIST_ARGS } from './specs.js';
import { requestOrigin, roleOf } from './target.js';

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
      restEndpoint({
        methods: ['POST'],
        args: CREATE_ARGS,
        permission: (req) =>
          req.auth.user && can(req.auth.user, 'create_users')
            ? true
            : denied(
                req,
                'rest_cannot_create_user',
                'Sorry, you are not allowed to create new users.',
              ),
        handler: async (req) => {
          const actor = signedIn(req);
          const role = roleOf(req.args.roles);
          if (role !== undefined && !can(actor, 'promote_users')) {
            throw new HttpError(
              403,
              'rest_cannot_edit_roles',
              'Sorry, you are not allowed to edit roles of this user.',
            );
          }
          const user = await createUser(
            ctx.db,
            {
              login: req.args.username,
              email: req.args.email,
              password: req.args.password,
              role: role ?? 'subscriber',
              displayName: req.args.name,
              firstName: req.args.first_name,
              lastName: req.args.last_name,
              nickname: req.args.nickname,
              description: req.args.description,
              url: req.args.url,
              emailVerified: req.args.email_verified === true && actor.role === 'administrator',
            },
            ctx.now(),
          );
          await recordAuditEvent(
            ctx.db,
            {
              ...requestOrigin(req),
              event: 'user.created',
              userId: user.id,
              details: { by: actor.id, role: user.role },
            },
            ctx.now(),
          );
          return {
            status: 201,
            body: userResource(site, user, 'edit'),
            headers: { location: `${site}/wp-json/wp/v2/users/${user.id}` },
          };
        },
      }),
    ],
  });
}
