import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, findUserById, type User } from '../../../accounts/index.js';
import { listSessions } from '../../../sessions/index.js';
import { readSettings } from '../../../settings/index.js';
import { listApplicationPasswords } from '../../../app-passwords/index.js';
import type { SignedIn } from '../../browserAuth.js';
import { applicationPasswordsAvailableFor } from '../../rest/auth.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { html } from '../../html.js';
import type { PageChrome } from '../../layout.js';
import { applicationPasswordsSection } from '../appPasswords/applicationPasswordsSection.js';
import { revokedNotice } from '../appPasswords/revokedNotice.js';
import { formText } from '../formFields.js';
import { noticeFor, sendPage } from '../render.js';
import { requireUserCapability } from './requireUserCapability.js';
import { twoFactorSection } from './twoFactorSection.js';
import { USER_NOTICES } from './userNotices.js';
import { accessForms, roleForm, userFactsTable } from './userPageSections.js';
import { invitationSection } from './invitations.js';
import { openInvitationOf } from '../../../account-links/index.js';
import { profileEditForm, type ProfileValues } from './profileEditing.js';
import type { FieldError } from '../fieldError.js';

export type UserRequest = FastifyRequest<{ Params: { id: string } }>;

/** `/admin/users/{id}`: one user, with what the signed-in administrator may change. */
export function registerUserPage(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { id: string } }>('/admin/users/:id', async (request, reply) => {
    const signedIn = await requireUserCapability(ctx, request, reply, 'list_users');
    if (!signedIn) return reply;
    return showUserPage(ctx, request, reply, signedIn, await loadTargetUser(ctx, request));
  });
}

/** The user named by the route's `{id}`; 404 if there is none. */
export async function loadTargetUser(ctx: AppContext, request: UserRequest): Promise<User> {
  const target = await findUserById(ctx.db, Number(request.params.id));
  if (!target) throw new HttpError(404, 'rest_user_invalid_id', 'Invalid user ID.');
  return target;
}

/** The user's page; the actions posted from it show it again with their refusal. */
export async function showUserPage(
  ctx: AppContext,
  request: UserRequest,
  reply: FastifyReply,
  signedIn: SignedIn,
  target: User,
  flash?: PageChrome['flash'],
  status = 200,
  extra: { profileError?: FieldError; profileValues?: ProfileValues } = {},
): Promise<FastifyReply> {
  const sessions = await listSessions(ctx.db, target.id, ctx.now());
  const appPasswords = (await listApplicationPasswords(ctx.db, target.id)).map((r) =>
    ctx.lastUsed.overlay(r),
  );
  const available = await applicationPasswordsAvailableFor(ctx, request);
  const mayEdit = can(signedIn.user, { capability: 'edit_user', user: target });
  const mayPromote = can(signedIn.user, { capability: 'promote_user', user: target }) && mayEdit;
  const self = target.id === signedIn.user.id;
  const twoFactor = await ctx.twoFactor.status(target);
  const required = (await readSettings(ctx.db)).requiredTwoFactorRoles.includes(target.role);
  const mayReset = mayEdit && can(signedIn.user, 'edit_users');
  const mayInvite = mayEdit && can(signedIn.user, 'create_users');
  const invitation = mayInvite ? await openInvitationOf(ctx, target) : undefined;
  // After a revoke the browser lands at the section, and the notice there names the password.
  const query = request.query as Record<string, unknown>;
  const revoked = !flash && query.done === 'app_password_revoked';
  const notice = revoked ? await revokedNotice(ctx, target.id, formText(query.revoked)) : undefined;
  return sendPage(
    ctx,
    request,
    reply,
    {
      title: `User ${target.login}`,
      status,
      flash: flash ?? (revoked ? undefined : noticeFor(query.done, USER_NOTICES)),
      signedIn,
    },
    (csrf) =>
      html` <p><a href="/admin/users">← All users</a></p>
          <h1>${target.displayName} <span class="muted">(${target.login})</span></h1>
          ${userFactsTable(target, sessions.length)}
          ${mayInvite ? invitationSection(csrf, target, invitation, ctx.now()) : ''}
          ${mayReset ? profileEditForm(csrf, target, self, extra.profileError, extra.profileValues) : ''}
          ${mayPromote ? roleForm(csrf, target) : ''}
          ${mayEdit && !self ? accessForms(csrf, target) : ''}
          ${twoFactorSection({ csrf, target, status: twoFactor, required, mayReset })}
          ${mayEdit ? applicationPasswordsSection({ csrf, base: `/admin/users/${target.id}/application-passwords`, records: appPasswords, available, ownerLabel: self ? 'your' : `${target.login}’s`, ownerRole: target.role, now: ctx.now(), notice }) : ''}`,
  );
}
