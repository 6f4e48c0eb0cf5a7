import { can, createUser } from '../../../accounts/index.js';
import { recordAuditEvent } from '../../../audit/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { denied } from '../denied.js';
import { restEndpoint, signedIn } from '../registry.js';
import { userResource } from '../userShape.js';
import { CREATE_ARGS } from './specs.js';
import { requestOrigin, roleOf } from './target.js';

/** POST /wp/v2/users: a new account (a role other than the default needs promote_users). */
export const createUserEndpoint = (ctx: AppContext) => {
  const site = ctx.config.siteUrl;
  return restEndpoint({
    methods: ['POST'],
    args: CREATE_ARGS,
    permission: (req) =>
      req.auth.user && can(req.auth.user, 'create_users')
        ? true
        : denied(req, 'rest_cannot_create_user', 'Sorry, you are not allowed to create new users.'),
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
  });
};
