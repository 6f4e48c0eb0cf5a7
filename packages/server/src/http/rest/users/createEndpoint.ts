import { can, createUser } from '../../../accounts/index.js';
import { inviteUser } from '../../../account-links/index.js';
import { recordAuditEvent } from '../../../audit/index.js';
import { accountLinkDeps, mailLater } from '../../accountLinks.js';
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
      // SPEC §12 [ours]: without a password the account is invited (WordPress requires one).
      const invite = req.args.password === undefined || req.args.password === '';
      const user = await createUser(
        ctx.db,
        {
          login: req.args.username,
          email: req.args.email,
          password: invite ? null : (req.args.password ?? null),
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
          details: { by: actor.id, role: user.role, ...(invite ? { invited: true } : {}) },
        },
        ctx.now(),
      );
      if (invite) {
        mailLater(
          ctx,
          'mailing an invitation',
          inviteUser(accountLinkDeps(ctx), user, { by: actor.id, origin: requestOrigin(req) }),
        );
      }
      return {
        status: 201,
        body: userResource(site, user, 'edit'),
        headers: { location: `${site}/wp-json/wp/v2/users/${user.id}` },
      };
    },
  });
};
