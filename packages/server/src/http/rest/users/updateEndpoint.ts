import { noticeDeps, sendSecurityNotice } from '../../../notices/index.js';
import {
  can,
  changesAccountCredentials,
  findUserById,
  INTERACTIVE_ONLY,
  setUserPassword,
  updateUser,
  type User,
} from '../../../accounts/index.js';
import { notifyOldAddress, requestEmailChange } from '../../../account-links/index.js';
import { recordAuditEvent } from '../../../audit/index.js';
import { accountLinkDeps } from '../../accountLinks.js';
import { assertRecentAuthentication } from '../appPasswords/newPassword.js';
import type { AppContext } from '../../../context.js';
import { endAllSessions, endOtherSessions } from '../../../sessions/index.js';
import { HttpError } from '../../errors.js';
import { denied } from '../denied.js';
import { restEndpoint, signedIn, type RestRequest } from '../registry.js';
import { userResource } from '../userShape.js';
import { EDITABLE_ARGS, type ID_ARG } from './specs.js';
import { requestOrigin, requireTarget, roleOf, targetOf } from './target.js';

/** A new password ends the user's other sessions (all of them when changed by someone else). */
async function changePassword(ctx: AppContext, req: RestRequest, user: User, password: string) {
  const actor = signedIn(req);
  await setUserPassword(ctx.db, user.id, password);
  await ctx.twoFactor.clearChallenges(user.id);
  const keep =
    req.auth.via === 'cookie' && req.auth.session && user.id === actor.id
      ? req.auth.session.id
      : undefined;
  const ended = keep
    ? await endOtherSessions(ctx.db, user.id, keep)
    : await endAllSessions(ctx.db, user.id);
  sendSecurityNotice(
    noticeDeps(ctx),
    user,
    { kind: 'password_changed', byAdministrator: user.id !== actor.id },
    requestOrigin(req),
  );
  await recordAuditEvent(
    ctx.db,
    {
      ...requestOrigin(req),
      event: 'password.changed',
      userId: user.id,
      details: { by: actor.id, sessions_ended: ended },
    },
    ctx.now(),
  );
}

/** POST/PUT/PATCH on one user: profile, role, password (never the username). */
export const updateUserEndpoint = (ctx: AppContext, idArg: Partial<typeof ID_ARG>) =>
  restEndpoint({
    methods: ['POST', 'PUT', 'PATCH'],
    args: { ...idArg, ...EDITABLE_ARGS, username: { type: 'string' } },
    permission: async (req) => {
      const t = await targetOf(ctx, req);
      if (t instanceof HttpError) return t;
      const actor = req.auth.user;
      if (!actor || !can(actor, { capability: 'edit_user', user: t })) {
        return denied(req, 'rest_cannot_edit', 'Sorry, you are not allowed to edit this user.');
      }
      if (req.args.roles !== undefined && !can(actor, { capability: 'promote_user', user: t })) {
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
      let user = await requireTarget(ctx, req);
      if (req.args.username !== undefined && req.args.username !== user.login) {
        throw new HttpError(400, 'rest_user_invalid_argument', "Username isn't editable.");
      }
      const actor = signedIn(req);
      const role = roleOf(req.args.roles);
      const before = user;
      // SPEC §12: one's own new address takes effect only once the link mailed to it is opened
      // (and, §6.5, moving it needs a recent sign-in); an administrator moves another's at once.
      const ownEmail =
        user.id === actor.id && changesAccountCredentials(user, { email: req.args.email });
      if (ownEmail) assertRecentAuthentication(ctx, req);
      // §6.5 too: one's own new password over cookie + nonce needs a sign-in in the last 10
      // minutes (REST has no field for the current password; the pages ask for it instead).
      if (typeof req.args.password === 'string' && user.id === actor.id)
        assertRecentAuthentication(ctx, req);
      user = await updateUser(ctx.db, user, {
        email: ownEmail ? undefined : req.args.email,
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
            ...requestOrigin(req),
            event: 'user.role_changed',
            userId: user.id,
            details: { by: actor.id, to: role },
          },
          ctx.now(),
        );
      }
      if (ownEmail && req.args.email !== undefined)
        await requestEmailChange(accountLinkDeps(ctx), user, req.args.email, requestOrigin(req));
      if (user.email !== before.email) {
        await ctx.invalidation.userChanged(user.id);
        notifyOldAddress(accountLinkDeps(ctx), before, user.email, requestOrigin(req), true);
      }
      if (typeof req.args.password === 'string') {
        await changePassword(ctx, req, user, req.args.password);
        user = (await findUserById(ctx.db, user.id))!;
      }
      return { body: userResource(ctx.config.siteUrl, user, 'edit') };
    },
  });
