import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AccountError,
  ROLE_LABELS,
  ROLE_NAMES,
  can,
  createUser,
  listUsers,
  type User,
} from '../../../accounts/index.js';
import { inviteUser } from '../../../account-links/index.js';
import { assertFormCsrf, type SignedIn } from '../../browserAuth.js';
import { accountLinkDeps, linkOrigin, mailLater } from '../../accountLinks.js';
import { pendingInvitationsSection } from './invitations.js';
import type { AppContext } from '../../../context.js';
import { PROVIDER_LABELS, type ProviderId } from '../../../two-factor/index.js';
import { html, type Html } from '../../html.js';
import type { PageChrome } from '../../layout.js';
import { NEW_PASSWORD_RULE } from '../account/passwordSection.js';
import { LOGIN_RULE } from '../accountLinks/registration.js';
import { accountErrorField, formField, type FieldError } from '../fieldError.js';
import { formFields, formText } from '../formFields.js';
import { auditPageChange } from '../pageAudit.js';
import { noticeFor, sendPage } from '../render.js';
import { requireUserCapability } from './requireUserCapability.js';
import { USER_NOTICES } from './userNotices.js';

const PER_PAGE = 50;

/** `/admin/users`: the list (searched, paged), and adding a user. */
export function registerUserList(app: FastifyInstance, ctx: AppContext): void {
  app.get('/admin/users', async (request, reply) => {
    const signedIn = await requireUserCapability(ctx, request, reply, 'list_users');
    return signedIn ? showUserList(ctx, request, reply, signedIn) : reply;
  });

  app.post('/admin/users', async (request, reply) => {
    const signedIn = await requireUserCapability(ctx, request, reply, 'create_users');
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const body = formFields(request);
    // SPEC §12: no password given means an invitation, a set-password link mailed for 24 hours.
    const invite = formText(body.password) === '';
    let created: User;
    try {
      created = await createUser(
        ctx.db,
        {
          login: formText(body.login),
          email: formText(body.email),
          password: invite ? null : formText(body.password),
          role: formText(body.role) || 'subscriber',
          displayName: formText(body.display_name),
        },
        ctx.now(),
      );
    } catch (error) {
      if (error instanceof AccountError) {
        const field = accountErrorField(error.code);
        const typed = {
          login: formText(body.login),
          email: formText(body.email),
          displayName: formText(body.display_name),
          role: formText(body.role) || 'subscriber',
        };
        if (!field) {
          const flash = { kind: 'error', text: error.message } as const;
          return showUserList(ctx, request, reply, signedIn, flash, 400, { typed });
        }
        return showUserList(ctx, request, reply, signedIn, undefined, 400, {
          error: { field, text: error.message },
          typed,
        });
      }
      throw error;
    }
    await auditPageChange(ctx, request, signedIn, 'user.created', created, {
      role: created.role,
      ...(invite ? { invited: true } : {}),
    });
    if (invite) {
      const origin = linkOrigin(request, signedIn.session.id);
      mailLater(
        ctx,
        'mailing an invitation',
        inviteUser(accountLinkDeps(ctx), created, { by: signedIn.user.id, origin }),
      );
    }
    return reply.redirect(`/admin/users/${created.id}?done=${invite ? 'invited' : 'created'}`, 303);
  });
}

async function showUserList(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: SignedIn,
  flash?: PageChrome['flash'],
  status = 200,
  refused: { error?: FieldError; typed?: NewUserValues } = {},
): Promise<FastifyReply> {
  const query = request.query as Record<string, unknown>;
  const page = Math.max(1, Number.parseInt(formText(query.paged), 10) || 1);
  const search = formText(query.s).slice(0, 100);
  const { users, total } = await listUsers(ctx.db, { page, perPage: PER_PAGE, search });
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  const twoFactor = await Promise.all(
    users.map(async (u) => (await ctx.twoFactor.status(u)).enabled),
  );
  const invitations = can(signedIn.user, 'create_users')
    ? await pendingInvitationsSection(ctx)
    : '';
  return sendPage(
    ctx,
    request,
    reply,
    { title: 'Users', status, flash: flash ?? noticeFor(query.done, USER_NOTICES), signedIn },
    (csrf) =>
      html` <h1>Users</h1>
          ${can(signedIn.user, 'manage_options') ? html`<p><a href="/admin/settings">Site settings</a></p>` : ''}
          <form method="get" action="/admin/users" class="search" role="search">
            <label for="user-search" class="check">Search users</label>
            <input type="search" id="user-search" name="s" value="${search}" />
            <button class="secondary">Search</button>
          </form>
          ${
            users.length === 0
              ? html`<p id="no-users-found">${search ? html`No user matches “${search}”. <a href="/admin/users">Show all users</a>.` : 'No users on this page.'}</p>`
              : html`<table id="users-table">
            <thead>
              <tr>
                <th>Username</th>
                <th>Name</th>
                <th>Email</th>
                <th>Role</th>
                <th>Two-factor</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              ${users.map(
                (u, i) =>
                  html`<tr data-user="${u.login}">
                    <td data-label="Username"><a href="/admin/users/${u.id}">${u.login}</a></td>
                    <td data-label="Name">${u.displayName}</td>
                    <td data-label="Email">${u.email}</td>
                    <td data-label="Role">${ROLE_LABELS[u.role]}</td>
                    <td data-label="Two-factor" data-two-factor>${twoFactorCell(twoFactor[i] ?? [])}</td>
                    <td data-label="Status">${u.disabled ? html`<span class="tag">disabled</span>` : 'active'}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
          }
          <p class="muted">
            ${total} user${total === 1 ? '' : 's'}; page ${page} of ${pages}.
            ${page > 1 ? html`<a href="/admin/users?paged=${page - 1}&amp;s=${encodeURIComponent(search)}">Previous</a>` : ''}
            ${page < pages ? html`<a href="/admin/users?paged=${page + 1}&amp;s=${encodeURIComponent(search)}">Next</a>` : ''}
          </p>
          ${invitations}
          ${can(signedIn.user, 'create_users') ? addUserForm(csrf, refused.error, refused.typed) : ''}`,
  );
}

/** The methods a user signs in with besides the password ("off" when none). */
function twoFactorCell(enabled: readonly ProviderId[]): Html | string {
  const methods = enabled.filter((p) => p !== 'backup_codes');
  return methods.length === 0
    ? 'off'
    : html`<span class="tag on">on</span> ${methods.map((p) => PROVIDER_LABELS[p]).join(', ')}`;
}

/** What the add-user form shows again after a refusal (never the password). */
interface NewUserValues {
  login: string;
  email: string;
  displayName: string;
  role: string;
}

function addUserForm(csrf: string, error?: FieldError, typed?: NewUserValues): Html {
  const v = typed ?? { login: '', email: '', displayName: '', role: 'subscriber' };
  return html`<h2 id="add-user">Add a user</h2>
                  <form class="stack" method="post" action="/admin/users" id="add-user-form" novalidate>
                    <input type="hidden" name="_csrf" value="${csrf}" />
                    ${formField({ id: 'new-user-login', name: 'login', label: 'Username', rule: LOGIN_RULE, error, control: (attrs) => html`<input type="text" ${attrs} value="${v.login}" required maxlength="60" />` })}
                    ${formField({ id: 'new-user-email', name: 'email', label: 'Email', error, control: (attrs) => html`<input type="email" ${attrs} value="${v.email}" maxlength="254" required />` })}
                    ${formField({ id: 'new-user-display-name', name: 'display_name', label: 'Display name', error, control: (attrs) => html`<input type="text" ${attrs} value="${v.displayName}" maxlength="250" />` })}
                    ${formField({ id: 'new-user-password', name: 'password', label: 'Password', rule: html`${NEW_PASSWORD_RULE} Leave empty to email an invitation: the person sets their own password through a link valid 24 hours.`, error, control: (attrs) => html`<input type="password" ${attrs} autocomplete="new-password" minlength="8" maxlength="1024" />` })}
                    ${formField({ id: 'new-user-role', name: 'role', label: 'Role', error, control: (attrs) => html`<select ${attrs}>${ROLE_NAMES.map((r) => html`<option value="${r}" ${r === v.role ? html`selected` : ''}>${ROLE_LABELS[r]}</option>`)}</select>` })}
                    <div><button type="submit" id="add-user-submit">Add user</button></div>
                  </form>`;
}
