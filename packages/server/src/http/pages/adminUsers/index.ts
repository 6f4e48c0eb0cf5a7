import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../context.js';
import { registerInvitationActions } from './invitations.js';
import { registerProfileEditing } from './profileEditing.js';
import { registerTwoFactorReset } from './twoFactorReset.js';
import { registerUserActions } from './userActions.js';
import { registerUserList } from './userList.js';
import { registerUserPage } from './userPage.js';

/** `/admin/users`: the list, one user's page, and the actions on a user. */
export function registerAdminUserPages(app: FastifyInstance, ctx: AppContext): void {
  registerUserList(app, ctx);
  registerUserPage(app, ctx);
  registerUserActions(app, ctx);
  registerTwoFactorReset(app, ctx);
  registerProfileEditing(app, ctx);
  registerInvitationActions(app, ctx);
}
