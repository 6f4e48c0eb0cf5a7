import type { FastifyInstance } from 'fastify';
import {
  cancelInvitation,
  inviteUser,
  listInvitations,
  type OpenInvitation,
} from '../../../account-links/index.js';
import { can, hasUsablePassword, type User } from '../../../accounts/index.js';
import { assertFormCsrf, type SignedIn } from '../../browserAuth.js';
import { accountLinkDeps, linkOrigin } from '../../accountLinks.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { html, type Html } from '../../html.js';
import { formatTime, sendPage } from '../render.js';
import { requireUserCapability } from './requireUserCapability.js';
import { loadTargetUser, type UserRequest } from './userPage.js';

async function invitationTarget(ctx: AppContext, request: UserRequest, signedIn: SignedIn) {
  const target = await loadTargetUser(ctx, request);
  if (!can(signedIn.user, { capability: 'edit_user', user: target }))
    throw new HttpError(403, 'rest_cannot_edit', 'Sorry, you are not allowed to edit this user.');
  if (hasUsablePassword(target))
    throw new HttpError(409, 'latchkey_has_password', 'This account already has a password.');
  return target;
}

/**
 * Resending (a new link; the old one stops working) and cancelling an invitation. Cancelling
 * asks first: GET shows what will happen, the form's POST does it.
 */
export function registerInvitationActions(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: { id: string } }>('/admin/users/:id/invitation', async (request, reply) => {
    const signedIn = await requireUserCapability(ctx, request, reply, 'create_users');
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const target = await invitationTarget(ctx, request, signedIn);
    // Awaited here (not in the background): the page that follows lists the new link.
    await inviteUser(accountLinkDeps(ctx), target, {
      by: signedIn.user.id,
      origin: linkOrigin(request, signedIn.session.id),
      resend: true,
    });
    return reply.redirect(`/admin/users/${target.id}?done=invitation_sent`, 303);
  });

  app.get<{ Params: { id: string } }>(
    '/admin/users/:id/invitation/cancel',
    async (request, reply) => {
      const signedIn = await requireUserCapability(ctx, request, reply, 'create_users');
      if (!signedIn) return reply;
      const target = await invitationTarget(ctx, request, signedIn);
      return sendPage(
        ctx,
        request,
        reply,
        { title: 'Cancel invitation', signedIn },
        (csrf) => html` <p><a href="/admin/users/${target.id}">← ${target.login}</a></p>
          <h1>Cancel the invitation of ${target.login}?</h1>
          <p>The link mailed to <strong>${target.email}</strong> stops working at once. The account stays, without a password, until you invite it again.</p>
          <div class="actions">
            <form class="inline" method="post" action="/admin/users/${target.id}/invitation/cancel">
              <input type="hidden" name="_csrf" value="${csrf}" />
              <button type="submit" class="danger" id="confirm-cancel-invitation">Cancel the invitation</button>
            </form>
            <a href="/admin/users/${target.id}" class="button" id="keep-invitation">Keep it</a>
          </div>`,
      );
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/users/:id/invitation/cancel',
    async (request, reply) => {
      const signedIn = await requireUserCapability(ctx, request, reply, 'create_users');
      if (!signedIn) return reply;
      assertFormCsrf(ctx, request, signedIn);
      const target = await invitationTarget(ctx, request, signedIn);
      await cancelInvitation(accountLinkDeps(ctx), target, {
        by: signedIn.user.id,
        origin: linkOrigin(request, signedIn.session.id),
      });
      return reply.redirect(`/admin/users/${target.id}?done=invitation_cancelled`, 303);
    },
  );
}

/** On one user's page: the open invitation with its actions, or the offer to invite. */
export function invitationSection(
  csrf: string,
  target: User,
  open: OpenInvitation | undefined,
  now: number,
): Html | '' {
  if (hasUsablePassword(target)) return '';
  const resend = html`<form class="inline" method="post" action="/admin/users/${target.id}/invitation">
              <input type="hidden" name="_csrf" value="${csrf}" />
              <button type="submit" id="resend-invitation">${open ? 'Resend invitation' : 'Send invitation'}</button>
            </form>`;
  if (!open)
    return html`<h2 id="invitation">Invitation</h2>
          <p>This account has no password yet, and no invitation is open.</p>
          <div class="actions">${resend}</div>`;
  const expired = open.expires <= now;
  return html`<h2 id="invitation">Invitation</h2>
          <p id="invitation-state">Invited ${formatTime(open.sent)}; the link ${expired ? html`<span class="tag">expired</span> at` : 'works until'} ${formatTime(open.expires)}.</p>
          <div class="actions">
            ${resend}
            <a href="/admin/users/${target.id}/invitation/cancel" class="button" id="cancel-invitation">Cancel invitation</a>
          </div>`;
}

/** On the user list: every open invitation. */
export async function pendingInvitationsSection(ctx: AppContext): Promise<Html | ''> {
  const open: OpenInvitation[] = await listInvitations(ctx);
  if (open.length === 0) return '';
  const now = ctx.now();
  return html`<h2 id="pending-invitations">Pending invitations</h2>
          <table>
            <thead><tr><th>Username</th><th>Email</th><th>Link works until</th></tr></thead>
            <tbody>
              ${open.map(
                (i) => html`<tr data-invited="${i.user.login}">
                <td><a href="/admin/users/${i.user.id}#invitation">${i.user.login}</a></td>
                <td>${i.user.email}</td>
                <td>${i.expires <= now ? html`<span class="tag">expired</span> ` : ''}${formatTime(i.expires)}</td>
              </tr>`,
              )}
            </tbody>
          </table>`;
}
