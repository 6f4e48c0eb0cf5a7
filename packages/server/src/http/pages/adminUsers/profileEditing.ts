import type { FastifyInstance } from 'fastify';
import {
  mailPasswordLink,
  notifyOldAddress,
  requestEmailChange,
} from '../../../account-links/index.js';
import { AccountError, can, updateUser, type User } from '../../../accounts/index.js';
import { assertFormCsrf } from '../../browserAuth.js';
import { accountLinkDeps, linkOrigin, mailLater } from '../../accountLinks.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { html, type Html } from '../../html.js';
import { accountErrorField, formField, type FieldError } from '../fieldError.js';
import { formFields, formText } from '../formFields.js';
import { auditPageChange } from '../pageAudit.js';
import { reauthUrl, stepUpDue } from '../stepUp.js';
import { requireUserCapability } from './requireUserCapability.js';
import { loadTargetUser, showUserPage } from './userPage.js';

const TEN_MINUTES_MS = 10 * 60 * 1000;

/**
 * An administrator edits a person (SPEC §12, item 4): names and email (another user's address
 * changes at once, as in WordPress, and the old address is told; one's own goes through the
 * confirmation link like /account), and "Send password reset link", the self-service mail.
 */
export function registerProfileEditing(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: { id: string } }>('/admin/users/:id/profile', async (request, reply) => {
    const signedIn = await requireUserCapability(ctx, request, reply, 'edit_users');
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const target = await loadTargetUser(ctx, request);
    if (!can(signedIn.user, { capability: 'edit_user', user: target }))
      throw new HttpError(403, 'rest_cannot_edit', 'Sorry, you are not allowed to edit this user.');
    const body = formFields(request);
    const self = target.id === signedIn.user.id;
    const email = formText(body.email).trim();
    const movesEmail = email !== '' && email.toLowerCase() !== target.email.toLowerCase();
    if (movesEmail && self && stepUpDue(ctx, signedIn, TEN_MINUTES_MS))
      return reply.redirect(reauthUrl(`/admin/users/${target.id}`), 303);
    let updated: User;
    try {
      updated = await updateUser(ctx.db, target, {
        firstName: formText(body.first_name),
        lastName: formText(body.last_name),
        displayName: formText(body.display_name),
        ...(movesEmail && !self ? { email } : {}),
      });
      if (movesEmail && self)
        await requestEmailChange(
          accountLinkDeps(ctx),
          target,
          email,
          linkOrigin(request, signedIn.session.id),
        );
    } catch (error) {
      if (error instanceof AccountError) {
        const field = accountErrorField(error.code);
        if (!field) {
          const flash = { kind: 'error', text: error.message } as const;
          return showUserPage(ctx, request, reply, signedIn, target, flash, 400);
        }
        return showUserPage(ctx, request, reply, signedIn, target, undefined, 400, {
          profileError: { field, text: error.message },
          profileValues: {
            firstName: formText(body.first_name),
            lastName: formText(body.last_name),
            displayName: formText(body.display_name),
            email,
          },
        });
      }
      throw error;
    }
    await auditPageChange(ctx, request, signedIn, 'user.profile_changed', target, {
      ...(updated.email !== target.email
        ? { email: { from: target.email, to: updated.email } }
        : {}),
      ...(updated.displayName !== target.displayName ? { display_name: updated.displayName } : {}),
    });
    if (updated.email !== target.email) {
      await ctx.invalidation.userChanged(target.id);
      notifyOldAddress(
        accountLinkDeps(ctx),
        target,
        updated.email,
        linkOrigin(request, signedIn.session.id),
        true,
      );
    }
    const done = movesEmail && self ? 'email_change_sent' : 'profile';
    return reply.redirect(`/admin/users/${target.id}?done=${done}`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/users/:id/send-reset', async (request, reply) => {
    const signedIn = await requireUserCapability(ctx, request, reply, 'edit_users');
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const target = await loadTargetUser(ctx, request);
    if (!can(signedIn.user, { capability: 'edit_user', user: target }))
      throw new HttpError(403, 'rest_cannot_edit', 'Sorry, you are not allowed to edit this user.');
    const refuse = (text: string, status: number) =>
      showUserPage(ctx, request, reply, signedIn, target, { kind: 'error', text }, status);
    if (target.disabled) return refuse('This account is disabled: enable it first.', 409);
    // The same 3 mails per hour as the self-service form: an administrator cannot flood a mailbox.
    const limit = await ctx.limiters.accountMail.account(`user:${target.id}`);
    if (!limit.allowed) {
      reply.header('retry-after', String(limit.retryAfterSeconds));
      return refuse(
        `This account was sent 3 links in the last hour. Try again in ${Math.ceil(limit.retryAfterSeconds / 60)} minutes.`,
        429,
      );
    }
    const origin = linkOrigin(request, signedIn.session.id);
    mailLater(
      ctx,
      'mailing a password reset link',
      mailPasswordLink(accountLinkDeps(ctx), target, 'reset', origin),
    );
    await auditPageChange(ctx, request, signedIn, 'password.reset_requested', target, {
      sent: true,
    });
    return reply.redirect(`/admin/users/${target.id}?done=reset_sent`, 303);
  });
}

/** What the edit form shows: the user's names and address, or what was typed when refused. */
export interface ProfileValues {
  firstName: string;
  lastName: string;
  displayName: string;
  email: string;
}

/** The edit form (names and email) and the reset button, for those who may edit the user. */
export function profileEditForm(
  csrf: string,
  target: User,
  self: boolean,
  error?: FieldError,
  typed?: ProfileValues,
): Html {
  const v = typed ?? target;
  const text = (id: string, name: string, label: string, value: string, required: boolean) =>
    formField({
      id,
      name,
      label,
      error,
      control: (attrs) =>
        html`<input type="text" ${attrs} value="${value}" maxlength="250" ${required ? html`required` : ''} />`,
    });
  return html`<h2 id="edit-profile">Profile</h2>
          <form class="stack" method="post" action="/admin/users/${target.id}/profile" id="edit-profile-form" novalidate>
            <input type="hidden" name="_csrf" value="${csrf}" />
            ${text('edit-first-name', 'first_name', 'First name', v.firstName, false)}
            ${text('edit-last-name', 'last_name', 'Last name', v.lastName, false)}
            ${text('edit-display-name', 'display_name', 'Display name', v.displayName, true)}
            ${formField({ id: 'edit-email', name: 'email', label: 'Email', rule: self ? 'Your new address takes effect once you open the link we email to it.' : 'Changes at once; the old address is told.', error, control: (attrs) => html`<input type="email" ${attrs} value="${v.email}" maxlength="254" required />` })}
            <div><button type="submit" id="save-profile">Save profile</button></div>
          </form>
          <h2 id="password-reset">Password</h2>
          <p class="muted">Emails ${target.login} the same single-use link as “Lost your password?”, valid one hour.</p>
          <form class="inline" method="post" action="/admin/users/${target.id}/send-reset">
            <input type="hidden" name="_csrf" value="${csrf}" />
            <button type="submit" class="secondary" id="send-reset-link">Send password reset link</button>
          </form>`;
}
