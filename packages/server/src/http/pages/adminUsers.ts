import { clientIp } from '../clientAddress.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AccountError,
  ROLE_LABELS,
  ROLE_NAMES,
  can,
  createUser,
  findUserById,
  listUsers,
  setUserDisabled,
  updateUser,
  type User,
} from '../../accounts/index.js';
import { recordAuditEvent, type AuditEventName } from '../../audit/index.js';
import { endAllSessions, listSessions } from '../../sessions/index.js';
import { readSettings } from '../../settings/index.js';
import {
  PROVIDER_LABELS,
  STEP_UP_WINDOW_MS,
  type TwoFactorStatus,
} from '../../two-factor/index.js';
import { listApplicationPasswords } from '../../app-passwords/index.js';
import { assertFormCsrf, type SignedIn } from '../browserAuth.js';
import { applicationPasswordsAvailableFor } from '../rest/auth.js';
import { applicationPasswordsSection } from './appPasswordPages.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../errors.js';
import { html, type Html } from '../html.js';
import { formatTime, noticeFor, requireSignedIn, sendPage } from './render.js';

const USER_NOTICES = {
  app_password_revoked: 'Application password revoked.',
  app_passwords_revoked: 'All application passwords of this user were revoked.',
  created: 'User created.',
  role: 'Role changed.',
  disabled: 'Account disabled; its sessions were ended.',
  enabled: 'Account enabled.',
  sessions: 'All sessions of this user were ended.',
  two_factor_reset: 'Two-factor authentication of this user was reset; their sessions were ended.',
};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const PER_PAGE = 50;

export function registerAdminUserPages(app: FastifyInstance, ctx: AppContext): void {
  const requireCapability = async (
    request: FastifyRequest,
    reply: FastifyReply,
    capability: string,
  ) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return undefined;
    if (!can(signedIn.user, capability))
      throw new HttpError(403, 'rest_forbidden', 'Sorry, you are not allowed to manage users.');
    return signedIn;
  };
  const audit = (
    request: FastifyRequest,
    signedIn: SignedIn,
    event: AuditEventName,
    target: User,
    details: Record<string, unknown> = {},
  ) =>
    recordAuditEvent(
      ctx.db,
      {
        event,
        userId: target.id,
        ip: clientIp(request),
        userAgent: str(request.headers['user-agent']),
        credential: `session:${signedIn.session.id}`,
        details: { by: signedIn.user.id, ...details },
      },
      ctx.now(),
    );

  const showList = async (
    request: FastifyRequest,
    reply: FastifyReply,
    signedIn: SignedIn,
    flash?: { kind: 'notice' | 'error'; text: string },
    status = 200,
  ) => {
    const query = request.query as Record<string, unknown>;
    const page = Math.max(1, Number.parseInt(str(query.paged), 10) || 1);
    const search = str(query.s).slice(0, 100);
    const { users, total } = await listUsers(ctx.db, { page, perPage: PER_PAGE, search });
    const pages = Math.max(1, Math.ceil(total / PER_PAGE));
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'Users', status, flash: flash ?? noticeFor(query.done, USER_NOTICES), signedIn },
      (csrf) =>
        html` <h1>Users</h1>
          ${can(signedIn.user, 'manage_options') ? html`<p><a href="/admin/settings">Site settings</a></p>` : ''}
          <form method="get" action="/admin/users">
            <label class="check">Search <input type="text" name="s" value="${search}" /></label>
            <button class="secondary">Search</button>
          </form>
          <table>
            <thead>
              <tr>
                <th>Username</th>
                <th>Name</th>
                <th>Email</th>
                <th>Role</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              ${users.map(
                (u) =>
                  html`<tr data-user="${u.login}">
                    <td><a href="/admin/users/${u.id}">${u.login}</a></td>
                    <td>${u.displayName}</td>
                    <td>${u.email}</td>
                    <td>${ROLE_LABELS[u.role]}</td>
                    <td>${u.disabled ? html`<span class="tag">disabled</span>` : 'active'}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
          <p class="muted">
            ${total} user${total === 1 ? '' : 's'}; page ${page} of ${pages}.
            ${page > 1 ? html`<a href="/admin/users?paged=${page - 1}&amp;s=${encodeURIComponent(search)}">Previous</a>` : ''}
            ${page < pages ? html`<a href="/admin/users?paged=${page + 1}&amp;s=${encodeURIComponent(search)}">Next</a>` : ''}
          </p>
          ${
            can(signedIn.user, 'create_users')
              ? html`<h2>Add a user</h2>
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
                        required
                    /></label>
                    <label
                      >Role
                      <select name="role">
                        ${ROLE_NAMES.map((r) => html`<option value="${r}" ${r === 'subscriber' ? html`selected` : ''}>${ROLE_LABELS[r]}</option>`)}
                      </select></label
                    >
                    <button type="submit">Add user</button>
                  </form>`
              : ''
          }`,
    );
  };

  app.get('/admin/users', async (request, reply) => {
    const signedIn = await requireCapability(request, reply, 'list_users');
    return signedIn ? showList(request, reply, signedIn) : reply;
  });

  app.post('/admin/users', async (request, reply) => {
    const signedIn = await requireCapability(request, reply, 'create_users');
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const body = (request.body ?? {}) as Record<string, unknown>;
    let created: User;
    try {
      created = await createUser(
        ctx.db,
        {
          login: str(body.login),
          email: str(body.email),
          password: str(body.password),
          role: str(body.role) || 'subscriber',
          displayName: str(body.display_name),
        },
        ctx.now(),
      );
    } catch (error) {
      if (error instanceof AccountError)
        return showList(request, reply, signedIn, { kind: 'error', text: error.message }, 400);
      throw error;
    }
    await audit(request, signedIn, 'user.created', created, { role: created.role });
    return reply.redirect(`/admin/users/${created.id}?done=created`, 303);
  });

  const loadTarget = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const target = await findUserById(ctx.db, Number(request.params.id));
    if (!target) throw new HttpError(404, 'rest_user_invalid_id', 'Invalid user ID.');
    return target;
  };

  const showUser = async (
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    signedIn: SignedIn,
    target: User,
    flash?: { kind: 'notice' | 'error'; text: string },
    status = 200,
  ) => {
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
    return sendPage(
      ctx,
      request,
      reply,
      {
        title: `User ${target.login}`,
        status,
        flash: flash ?? noticeFor((request.query as Record<string, unknown>).done, USER_NOTICES),
        signedIn,
      },
      (csrf) =>
        html` <p><a href="/admin/users">← All users</a></p>
          <h1>${target.displayName} <span class="muted">(${target.login})</span></h1>
          <table>
            <tr>
              <th>Email</th>
              <td>
                ${target.email}
                ${target.emailVerifiedAt ? html`<span class="tag">verified</span>` : ''}
              </td>
            </tr>
            <tr>
              <th>Role</th>
              <td>${ROLE_LABELS[target.role]}</td>
            </tr>
            <tr>
              <th>Registered</th>
              <td>${formatTime(target.registered)}</td>
            </tr>
            <tr>
              <th>Status</th>
              <td>${target.disabled ? 'disabled' : 'active'}</td>
            </tr>
            <tr>
              <th>Active sessions</th>
              <td>${sessions.length}</td>
            </tr>
          </table>
          ${
            mayPromote
              ? html`<h2>Role</h2>
                  <form class="stack" method="post" action="/admin/users/${target.id}/role">
                    <input type="hidden" name="_csrf" value="${csrf}" />
                    <label
                      >Role
                      <select name="role">
                        ${ROLE_NAMES.map((r) => html`<option value="${r}" ${r === target.role ? html`selected` : ''}>${ROLE_LABELS[r]}</option>`)}
                      </select></label
                    >
                    <button type="submit">Change role</button>
                  </form>`
              : ''
          }
          ${
            mayEdit && !self
              ? html`<h2>Access</h2>
                  <form
                    class="inline"
                    method="post"
                    action="/admin/users/${target.id}/${target.disabled ? 'enable' : 'disable'}"
                  >
                    <input type="hidden" name="_csrf" value="${csrf}" />
                    <button type="submit" class="${target.disabled ? '' : 'danger'}">
                      ${target.disabled ? 'Enable account' : 'Disable account'}
                    </button>
                  </form>
                  <form
                    class="inline"
                    method="post"
                    action="/admin/users/${target.id}/end-sessions"
                  >
                    <input type="hidden" name="_csrf" value="${csrf}" />
                    <button type="submit" class="secondary">End all sessions</button>
                  </form>`
              : ''
          }
          ${twoFactorSection({ csrf, target, status: twoFactor, required, mayReset })}
          ${mayEdit ? applicationPasswordsSection({ csrf, base: `/admin/users/${target.id}/application-passwords`, records: appPasswords, available, ownerLabel: self ? 'your' : `${target.login}’s` }) : ''}`,
    );
  };

  app.get<{ Params: { id: string } }>('/admin/users/:id', async (request, reply) => {
    const signedIn = await requireCapability(request, reply, 'list_users');
    if (!signedIn) return reply;
    return showUser(request, reply, signedIn, await loadTarget(request));
  });

  app.post<{ Params: { id: string } }>('/admin/users/:id/role', async (request, reply) => {
    const signedIn = await requireCapability(request, reply, 'promote_users');
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const target = await loadTarget(request);
    if (
      !can(signedIn.user, { capability: 'promote_user', user: target }) ||
      !can(signedIn.user, { capability: 'edit_user', user: target })
    ) {
      throw new HttpError(
        403,
        'rest_cannot_edit_roles',
        'Sorry, you are not allowed to edit roles of this user.',
      );
    }
    const role = str((request.body as Record<string, unknown> | undefined)?.role);
    try {
      await updateUser(ctx.db, target, { role });
    } catch (error) {
      if (error instanceof AccountError)
        return showUser(
          request,
          reply,
          signedIn,
          target,
          { kind: 'error', text: error.message },
          400,
        );
      throw error;
    }
    await audit(request, signedIn, 'user.role_changed', target, { from: target.role, to: role });
    return reply.redirect(`/admin/users/${target.id}?done=role`, 303);
  });

  for (const action of ['disable', 'enable', 'end-sessions'] as const) {
    app.post<{ Params: { id: string } }>(`/admin/users/:id/${action}`, async (request, reply) => {
      const signedIn = await requireCapability(request, reply, 'edit_users');
      if (!signedIn) return reply;
      assertFormCsrf(ctx, request, signedIn);
      const target = await loadTarget(request);
      if (
        !can(signedIn.user, { capability: 'edit_user', user: target }) ||
        target.id === signedIn.user.id
      ) {
        throw new HttpError(
          403,
          'rest_cannot_edit',
          'Sorry, you are not allowed to edit this user.',
        );
      }
      try {
        if (action !== 'end-sessions') await setUserDisabled(ctx.db, target, action === 'disable');
      } catch (error) {
        if (error instanceof AccountError)
          return showUser(
            request,
            reply,
            signedIn,
            target,
            { kind: 'error', text: error.message },
            409,
          );
        throw error;
      }
      if (action === 'enable') {
        await audit(request, signedIn, 'user.enabled', target);
        return reply.redirect(`/admin/users/${target.id}?done=enabled`, 303);
      }
      const ended = await endAllSessions(ctx.db, target.id);
      if (action === 'disable')
        await audit(request, signedIn, 'user.disabled', target, { sessions_ended: ended });
      else
        await audit(request, signedIn, 'session.ended', target, {
          reason: 'ended_by_administrator',
          count: ended,
        });
      return reply.redirect(
        `/admin/users/${target.id}?done=${action === 'disable' ? 'disabled' : 'sessions'}`,
        303,
      );
    });
  }

  // An administrator resets a locked-out user's second factors (SPEC §6.3): all of them go,
  // and so do the user's sessions.
  app.post<{ Params: { id: string } }>(
    '/admin/users/:id/two-factor/reset',
    async (request, reply) => {
      const signedIn = await requireCapability(request, reply, 'edit_users');
      if (!signedIn) return reply;
      assertFormCsrf(ctx, request, signedIn);
      const target = await loadTarget(request);
      if (!can(signedIn.user, { capability: 'edit_user', user: target }))
        throw new HttpError(403, 'rest_forbidden', 'Sorry, you are not allowed to do that.');
      const back = `/admin/users/${target.id}#two-factor`;
      if (ctx.now() - signedIn.session.authenticatedAt > STEP_UP_WINDOW_MS)
        return reply.redirect(`/login/reauth?redirect_to=${encodeURIComponent(back)}`, 303);
      if (str((request.body as Record<string, unknown> | undefined)?.confirm) === '') {
        return showUser(
          request,
          reply,
          signedIn,
          target,
          { kind: 'error', text: 'Tick the box to confirm the reset.' },
          400,
        );
      }
      const before = await ctx.twoFactor.status(target);
      await ctx.twoFactor.reset(target);
      const ended = await endAllSessions(ctx.db, target.id);
      await audit(request, signedIn, 'two_factor.reset', target, {
        providers: before.enabled,
        sessions_ended: ended,
      });
      return reply.redirect(`/admin/users/${target.id}?done=two_factor_reset`, 303);
    },
  );
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The user's second factors as plain status (the owner's own page carries the warnings). */
function twoFactorSection(options: {
  csrf: string;
  target: User;
  status: TwoFactorStatus;
  required: boolean;
  mayReset: boolean;
}): Html {
  const { csrf, target, status, required, mayReset } = options;
  const labels = (ids: readonly (keyof typeof PROVIDER_LABELS)[]) =>
    ids.length ? ids.map((p) => PROVIDER_LABELS[p]).join(', ') : 'none';
  const inUse = status.enabled.length > 0;
  return html`<h2 id="two-factor">Two-factor</h2>
    <table data-two-factor="${inUse ? 'enabled' : 'none'}">
      <tr>
        <th>Enabled methods</th>
        <td>${inUse ? labels(status.enabled) : 'none: signs in with the password only'}</td>
      </tr>
      <tr>
        <th>Primary method</th>
        <td>${status.primary ? PROVIDER_LABELS[status.primary] : '—'}</td>
      </tr>
      <tr>
        <th>Usable at sign-in</th>
        <td>${inUse ? labels(status.available) : '—'}</td>
      </tr>
      <tr>
        <th>Recovery codes</th>
        <td>
          ${
            status.enabled.includes('backup_codes')
              ? plural(status.backup_codes_remaining, 'recovery code left', 'recovery codes left')
              : 'not set up'
          }
        </td>
      </tr>
      <tr>
        <th>Security keys</th>
        <td>${status.webauthn.length}</td>
      </tr>
      <tr>
        <th>Required for the role</th>
        <td>${required ? 'yes' : 'no'}</td>
      </tr>
    </table>
    ${
      mayReset && inUse
        ? html`<form
            class="stack"
            method="post"
            action="/admin/users/${target.id}/two-factor/reset"
          >
            <input type="hidden" name="_csrf" value="${csrf}" />
            <p>
              Resetting removes every second factor of ${target.login} (authenticator app, security
              keys, email codes, recovery codes) and ends all of their sessions. They sign in with
              the password alone${required ? ' and must set up a new method at once' : ''}.
            </p>
            <label class="check"
              ><input type="checkbox" name="confirm" value="1" required /> Yes, reset
              ${target.login}’s two-factor authentication</label
            >
            <button type="submit" class="danger">Reset two-factor</button>
          </form>`
        : ''
    }`;
}
