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
        const flash = { kind: 'error', text: error.message } as const;
        return showUserList(ctx, request, reply, signedIn, flash, 400);
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
          ${can(signedIn.user, 'create_users') ? addUserForm(csrf) : ''}`,
  );
}

/** The methods a user signs in with besides the password ("off" when none). */
function twoFactorCell(enabled: readonly ProviderId[]): Html | string {
  const methods = enabled.filter((p) => p !== 'backup_codes');
  return methods.length === 0
    ? 'off'
    : html`<span class="tag on">on</span> ${methods.map((p) => PROVIDER_LABELS[p]).join(', ')}`;
}

function addUserForm(csrf: string): Html {
  return html`<h2>Add a user</h2>
                  <form class="stack" method="post" action="/admin/users">
                    <input type="hidden" name="_csrf" value="${csrf}" />
                    <label
                      >Username <input type="text" name="login" required maxlength="60"
                    /></label>
                    <label>Email <input type="email" name="email" required /></label>
                    <label>Display name <input type="text" name="display_name" /></label>
                    <label
                      >Password
                      <input
                        type="password"
                        name="password"
                        autocomplete="new-password"
                        minlength="8"
                        aria-describedby="password-help"
                      />
                      <span class="muted" id="password-help"
                        >Leave empty to email an invitation: the person sets their own password
                        through a link valid 24 hours.</span
                      ></label
                    >
                    <label
                      >Role
                      <select name="role">
                        ${ROLE_NAMES.map((r) => html`<option value="${r}" ${r === 'subscriber' ? html`selected` : ''}>${ROLE_LABELS[r]}</option>`)}
                      </select></label
                    >
                    <button type="submit">Add user</button>
                  </form>`;
}
