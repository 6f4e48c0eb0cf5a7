import { clientIp } from '../clientAddress.js';
import {
  can,
  changesAccountCredentials,
  createUser,
  deleteUser,
  findUserById,
  INTERACTIVE_ONLY,
  isRole,
  listUsers,
  setUserPassword,
  updateUser,
  type User,
} from '../../accounts/index.js';
import { recordAuditEvent } from '../../audit/index.js';
import { countAuthoredContent, reassignAuthoredContent } from '../../content/index.js';
import { endAllSessions, endOtherSessions } from '../../sessions/index.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../errors.js';
import type { ArgSpecs } from './args.js';
import { restEndpoint, signedIn, type RestRegistry, type RestRequest } from './registry.js';
import { userResource } from './userShape.js';

const ID_ARG = {
  id: { type: 'integer', description: 'Unique identifier for the user.' },
} satisfies ArgSpecs;

const CONTEXT_ARG = {
  context: { type: 'string', enum: ['view', 'embed', 'edit'], default: 'view' },
} as const satisfies ArgSpecs;

const EDITABLE_ARGS = {
  name: { type: 'string', description: 'Display name for the user.', maxLength: 250 },
  first_name: { type: 'string', maxLength: 250 },
  last_name: { type: 'string', maxLength: 250 },
  email: { type: 'string', format: 'email' },
  url: { type: 'string', format: 'uri' },
  description: { type: 'string' },
  nickname: { type: 'string', maxLength: 250 },
  roles: { type: 'array', items: { type: 'string' } },
  password: { type: 'string', minLength: 1 },
} satisfies ArgSpecs;
/** What POST users declares beside its own required email and password, in the same order. */
const { email: _email, password: _password, ...PROFILE_ARGS } = EDITABLE_ARGS;

/** 401 when nobody is signed in, 403 when someone is but may not: WordPress's rule. */
export function denied(req: RestRequest, code: string, message: string): HttpError {
  return new HttpError(req.auth.user ? 403 : 401, code, message);
}

export interface UserRouteOptions {
  /** Ids of users who have published content: anyone may see those (WordPress's author archive rule). */
  publishedAuthorIds(): Promise<Set<number>>;
}

export function registerUserRoutes(
  ctx: AppContext,
  registry: RestRegistry,
  options: UserRouteOptions,
): void {
  const site = ctx.config.siteUrl;
  const who = (req: RestRequest) => ({
    ip: clientIp(req.raw),
    userAgent: String(req.raw.headers['user-agent'] ?? ''),
    credential: req.auth.via === 'cookie' ? `session:${req.auth.session?.id}` : req.auth.via,
  });

  const target = async (req: RestRequest): Promise<User | HttpError> => {
    if (req.args.id === 'me' || req.args.id === undefined) {
      return (
        req.auth.user ??
        new HttpError(401, 'rest_not_logged_in', 'You are not currently logged in.')
      );
    }
    const user = await findUserById(ctx.db, Number(req.args.id));
    return user ?? new HttpError(404, 'rest_user_invalid_id', 'Invalid user ID.');
  };
  const resolved = new WeakMap<RestRequest, Promise<User | HttpError>>();
  const targetOf = (req: RestRequest) => {
    let p = resolved.get(req);
    if (!p) resolved.set(req, (p = target(req)));
    return p;
  };
  const requireTarget = async (req: RestRequest): Promise<User> => {
    const t = await targetOf(req);
    if (t instanceof HttpError) throw t;
    return t;
  };

  const roleOf = (roles: string[] | undefined): string | undefined => {
    if (!roles || roles.length === 0) return undefined;
    const role = roles[0]!;
    if (!isRole(role))
      throw new HttpError(400, 'rest_user_invalid_role', `The role ${role} does not exist.`);
    return role;
  };

  registry.register({
    namespace: 'wp/v2',
    route: '/users',
    tier: 'full',
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: {
          ...CONTEXT_ARG,
          page: { type: 'integer', default: 1, minimum: 1 },
          per_page: { type: 'integer', default: 10, minimum: 1, maximum: 100 },
          search: { type: 'string' },
          order: { type: 'string', default: 'asc', enum: ['asc', 'desc'] },
          orderby: {
            type: 'string',
            default: 'name',
            enum: ['id', 'name', 'registered_date', 'slug', 'email'],
          },
          roles: { type: 'array', items: { type: 'string' } },
        },
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
          const page = req.args.page;
          const perPage = req.args.per_page;
          const orderBy = (
            {
              id: 'id',
              name: 'display_name',
              registered_date: 'registered',
              slug: 'login',
              email: 'email',
            } as const
          )[req.args.orderby];
          const mayList = req.auth.user !== undefined && can(req.auth.user, 'list_users');
          let { users, total } = await listUsers(ctx.db, {
            page: mayList ? page : 1,
            perPage: mayList ? perPage : 100_000,
            search: req.args.search,
            roles: req.args.roles?.filter(isRole),
            orderBy,
            order: req.args.order,
          });
          if (!mayList) {
            const visible = await options.publishedAuthorIds();
            const all = users.filter((u) => visible.has(u.id) && !u.disabled);
            total = all.length;
            users = all.slice((page - 1) * perPage, page * perPage);
          }
          const totalPages = Math.ceil(total / perPage);
          return {
            body: users.map((u) => userResource(site, u, req.args.context)),
            headers: { 'x-wp-total': String(total), 'x-wp-totalpages': String(totalPages) },
          };
        },
      }),
      restEndpoint({
        methods: ['POST'],
        args: {
          username: { type: 'string', required: true },
          email: { type: 'string', format: 'email', required: true },
          password: { type: 'string', required: true },
          ...PROFILE_ARGS,
          email_verified: {
            type: 'boolean',
            description: 'Latchkey: mark the address verified (administrators only).',
          },
        },
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
              ...who(req),
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

  // users/me has no id: there `req.args.id` is undefined.
  const single = (route: string, idArg: Partial<typeof ID_ARG>, readTier: 'content' | 'full') =>
    registry.register({
      namespace: 'wp/v2',
      route,
      tier: 'full',
      endpoints: [
        restEndpoint({
          methods: ['GET'],
          // Reading one's own profile is within the content scope; changing it is not.
          tier: readTier,
          args: { ...idArg, ...CONTEXT_ARG },
          permission: async (req) => {
            const t = await targetOf(req);
            // WordPress lets anyone reach GET users/me and answers 401 from the handler, so
            // `Allow` still lists GET for a signed-out caller.
            if (t instanceof HttpError) return req.args.id === undefined ? true : t;
            const actor = req.auth.user;
            if (actor && actor.id === t.id) return true;
            if (
              req.args.context === 'edit' &&
              !(actor && can(actor, { capability: 'edit_user', user: t }))
            ) {
              return denied(
                req,
                'rest_user_cannot_view',
                'Sorry, you are not allowed to list users.',
              );
            }
            if (actor && can(actor, 'list_users')) return true;
            if ((await options.publishedAuthorIds()).has(t.id) && !t.disabled) return true;
            return denied(
              req,
              'rest_user_cannot_view',
              'Sorry, you are not allowed to list users.',
            );
          },
          handler: async (req) => ({
            body: userResource(site, await requireTarget(req), req.args.context),
          }),
        }),
        restEndpoint({
          methods: ['POST', 'PUT', 'PATCH'],
          args: { ...idArg, ...EDITABLE_ARGS, username: { type: 'string' } },
          permission: async (req) => {
            const t = await targetOf(req);
            if (t instanceof HttpError) return t;
            const actor = req.auth.user;
            if (!actor || !can(actor, { capability: 'edit_user', user: t })) {
              return denied(
                req,
                'rest_cannot_edit',
                'Sorry, you are not allowed to edit this user.',
              );
            }
            if (
              req.args.roles !== undefined &&
              !can(actor, { capability: 'promote_user', user: t })
            ) {
              return new HttpError(
                403,
                'rest_cannot_edit_roles',
                'Sorry, you are not allowed to edit roles of this user.',
              );
            }
            if (
              req.auth.via === 'application_password' &&
              changesAccountCredentials(t, {
                email: typeof req.args.email === 'string' ? req.args.email : undefined,
                password: typeof req.args.password === 'string' ? req.args.password : undefined,
              })
            ) {
              return new HttpError(403, INTERACTIVE_ONLY.code, INTERACTIVE_ONLY.message);
            }
            return true;
          },
          handler: async (req) => {
            let user = await requireTarget(req);
            if (req.args.username !== undefined && req.args.username !== user.login) {
              throw new HttpError(400, 'rest_user_invalid_argument', "Username isn't editable.");
            }
            const actor = signedIn(req);
            const role = roleOf(req.args.roles);
            user = await updateUser(ctx.db, user, {
              email: req.args.email,
              displayName: req.args.name,
              firstName: req.args.first_name,
              lastName: req.args.last_name,
              nickname: req.args.nickname,
              description: req.args.description,
              url: req.args.url,
              role,
            });
            if (role !== undefined) {
              await recordAuditEvent(
                ctx.db,
                {
                  ...who(req),
                  event: 'user.role_changed',
                  userId: user.id,
                  details: { by: actor.id, to: role },
                },
                ctx.now(),
              );
            }
            if (typeof req.args.password === 'string') {
              await setUserPassword(ctx.db, user.id, req.args.password);
              await ctx.twoFactor.clearChallenges(user.id);
              const keep =
                req.auth.via === 'cookie' && req.auth.session && user.id === actor.id
                  ? req.auth.session.id
                  : undefined;
              const ended = keep
                ? await endOtherSessions(ctx.db, user.id, keep)
                : await endAllSessions(ctx.db, user.id);
              await recordAuditEvent(
                ctx.db,
                {
                  ...who(req),
                  event: 'password.changed',
                  userId: user.id,
                  details: { by: actor.id, sessions_ended: ended },
                },
                ctx.now(),
              );
              user = (await findUserById(ctx.db, user.id))!;
            }
            return { body: userResource(site, user, 'edit') };
          },
        }),
        restEndpoint({
          methods: ['DELETE'],
          args: {
            ...idArg,
            force: {
              type: 'boolean',
              default: false,
              description: 'Required to be true, as users do not support trashing.',
            },
            reassign: {
              type: 'integer',
              required: true,
              description: "Reassign the deleted user's posts and links to this user ID.",
            },
          },
          permission: async (req) => {
            const t = await targetOf(req);
            if (t instanceof HttpError) return t;
            const actor = req.auth.user;
            return actor && can(actor, { capability: 'delete_user', user: t })
              ? true
              : denied(
                  req,
                  'rest_user_cannot_delete',
                  'Sorry, you are not allowed to delete this user.',
                );
          },
          handler: async (req) => {
            const user = await requireTarget(req);
            if (req.args.force !== true) {
              throw new HttpError(
                501,
                'rest_trash_not_supported',
                "Users do not support trashing. Set 'force' to true to delete.",
              );
            }
            const { reassign } = req.args;
            if (
              reassign !== 0 &&
              (reassign === user.id || !(await findUserById(ctx.db, reassign)))
            ) {
              throw new HttpError(
                400,
                'rest_user_invalid_reassign',
                'Invalid user ID for reassignment.',
              );
            }
            // Nothing stored is lost: content goes to `reassign`, and without one a user
            // who authored anything is not deleted (WordPress would delete the content).
            if (reassign === 0 && (await countAuthoredContent(ctx.db, user.id)) > 0) {
              throw new HttpError(
                400,
                'latchkey_user_has_content',
                'This user has authored content: set reassign to the ID of the user who should receive it.',
              );
            }
            const previous = userResource(site, user, 'edit');
            if (reassign !== 0) await reassignAuthoredContent(ctx.db, user.id, reassign);
            await deleteUser(ctx.db, user);
            await recordAuditEvent(
              ctx.db,
              {
                ...who(req),
                event: 'user.deleted',
                userId: user.id,
                details: { by: signedIn(req).id, login: user.login },
              },
              ctx.now(),
            );
            return { body: { deleted: true, previous } };
          },
        }),
      ],
    });

  single('/users/(?P<id>[\\d]+)', ID_ARG, 'full');
  single('/users/me', {}, 'content');
}
