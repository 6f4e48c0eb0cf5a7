import { can, deleteUser, findUserById } from '../../../accounts/index.js';
import { recordAuditEvent } from '../../../audit/index.js';
import { countAuthoredContent, reassignAuthoredContent } from '../../../content/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { denied } from '../denied.js';
import { restEndpoint, signedIn } from '../registry.js';
import { userResource } from '../userShape.js';
import { DELETE_ARGS, type ID_ARG } from './specs.js';
import { requestOrigin, requireTarget, targetOf } from './target.js';

/** DELETE one user: force required, and their content goes to `reassign` or nowhere is lost. */
export const deleteUserEndpoint = (ctx: AppContext, idArg: Partial<typeof ID_ARG>) =>
  restEndpoint({
    methods: ['DELETE'],
    args: { ...idArg, ...DELETE_ARGS },
    permission: async (req) => {
      const t = await targetOf(ctx, req);
      if (t instanceof HttpError) return t;
      const actor = req.auth.user;
      return actor && can(actor, { capability: 'delete_user', user: t })
        ? true
        : denied(req, 'rest_user_cannot_delete', 'Sorry, you are not allowed to delete this user.');
    },
    handler: async (req) => {
      const user = await requireTarget(ctx, req);
      if (req.args.force !== true) {
        throw new HttpError(
          501,
          'rest_trash_not_supported',
          "Users do not support trashing. Set 'force' to true to delete.",
        );
      }
      const { reassign } = req.args;
      if (reassign !== 0 && (reassign === user.id || !(await findUserById(ctx.db, reassign)))) {
        throw new HttpError(400, 'rest_user_invalid_reassign', 'Invalid user ID for reassignment.');
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
      const previous = userResource(ctx.config.siteUrl, user, 'edit');
      if (reassign !== 0) await reassignAuthoredContent(ctx.db, user.id, reassign);
      await deleteUser(ctx.db, user);
      await recordAuditEvent(
        ctx.db,
        {
          ...requestOrigin(req),
          event: 'user.deleted',
          userId: user.id,
          details: { by: signedIn(req).id, login: user.login },
        },
        ctx.now(),
      );
      return { body: { deleted: true, previous } };
    },
  });
