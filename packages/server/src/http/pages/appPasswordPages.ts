import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ROLE_LABELS,
  ROLE_NAMES,
  roleRank,
  type Role,
  can,
  findUserById,
  verifyAccountPassword,
  type MetaCapabilityArgs,
  type User,
} from '../../accounts/index.js';
import {
  createApplicationPassword,
  deleteAllApplicationPasswords,
  deleteApplicationPassword,
  findApplicationPassword,
  listApplicationPasswords,
  sanitizeApplicationPasswordName,
  parseCredentialLimits,
  CredentialLimitError,
  type ApplicationPassword,
} from '../../app-passwords/index.js';
import { readSettings } from '../../settings/index.js';
import { listAuditEvents, recordAuditEvent, type AuditEventName } from '../../audit/index.js';
import { safeRedirectTarget } from '../../sessions/index.js';
import { assertFormCsrf, type SignedIn } from '../browserAuth.js';
import { addressLimitKey, clientIp } from '../clientAddress.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../errors.js';
import { html, type Html } from '../html.js';
import { notifyApplicationPasswordCreated } from '../notifications.js';
import { REAUTH_WINDOW_MS } from '../rest/appPasswords.js';
import { applicationPasswordsAvailableFor } from '../rest/auth.js';
import { formatTime, requireSignedIn, sendPage } from './render.js';
import { afterPasswordStep } from './twoFactorSignIn.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The list and forms for one owner's application passwords, on /account and /admin/users/{id}. */
export function applicationPasswordsSection(options: {
  csrf: string;
  base: string;
  records: ApplicationPassword[];
  available: boolean;
  ownerLabel: string;
  /** Ceilings offered are the roles below this one. */
  ownerRole?: Role;
  /** The server clock, to mark expired passwords. */
  now?: number;
}): Html {
  const { csrf, base, records } = options;
  const now = options.now ?? Date.now();
  if (!options.available) {
    return html`<h2 id="application-passwords">Application passwords</h2>
      <p class="muted">Application passwords are not available here: the site must be served over HTTPS (or run in the local environment), and the feature must be switched on.</p>`;
  }
  return html`<h2 id="application-passwords">Application passwords</h2>
    <p class="muted">Programs that use ${options.ownerLabel} account through the API get their own password, which can be revoked on its own. They never work on the sign-in form.</p>
    <form class="stack" method="post" action="${base}">
      <input type="hidden" name="_csrf" value="${csrf}">
      <label>New application password name <input type="text" name="name" id="new-application-password-name" maxlength="255" required placeholder="e.g. Phone app"></label>
      <label>What it may reach
        <select name="scope" id="new-application-password-scope">
          <option value="full" selected>Everything ${options.ownerLabel} account can do</option>
          <option value="content">Content only: posts, pages, categories, tags, media</option>
        </select></label>
      <label>Act at most as
        <select name="role_ceiling" id="new-application-password-ceiling">
          <option value="" selected>The account’s own role</option>
          ${ROLE_NAMES.filter((r) => !options.ownerRole || roleRank(r) < roleRank(options.ownerRole)).map((r) => html`<option value="${r}">${ROLE_LABELS[r]}</option>`)}
        </select></label>
      <label>Expires (optional) <input type="date" name="expires" id="new-application-password-expires"></label>
      <button type="submit" id="create-application-password">Add application password</button>
    </form>
    ${
      records.length === 0
        ? html`<p class="muted" id="no-application-passwords">No application passwords yet.</p>`
        : html`<table id="application-passwords-table">
        <thead><tr><th>Name</th><th>Created</th><th>Last used</th><th>Last IP</th><th>Reach</th><th></th></tr></thead>
        <tbody>${records.map(
          (r) => html`<tr data-uuid="${r.uuid}">
          <td><a href="${base}/${r.uuid}">${r.name}</a></td><td>${formatTime(r.created)}</td><td>${formatTime(r.lastUsed)}</td><td>${r.lastIp ?? '—'}</td>
          <td>${r.scope === 'content' ? 'content only' : 'full'}${r.roleCeiling ? html`, as ${r.roleCeiling}` : ''}${r.expires === null ? '' : r.expires <= now ? html` <span class="tag">expired</span>` : html`, until ${formatTime(r.expires)}`}</td>
          <td><form class="inline" method="post" action="${base}/${r.uuid}/revoke"><input type="hidden" name="_csrf" value="${csrf}"><button class="secondary" type="submit" aria-label="Revoke ${r.name}">Revoke</button></form></td>
        </tr>`,
        )}</tbody>
      </table>
      <form class="stack" method="post" action="${base}/revoke-all" id="revoke-all-form">
        <input type="hidden" name="_csrf" value="${csrf}">
        <label class="check"><input type="checkbox" name="confirm" value="yes" required> Yes, revoke all ${records.length} application password${records.length === 1 ? '' : 's'}: every program using them stops working.</label>
        <button class="danger" type="submit" id="revoke-all">Revoke all application passwords</button>
      </form>`
    }`;
}

export function registerApplicationPasswordPages(app: FastifyInstance, ctx: AppContext): void {
  /** Resolves the owner and checks the actor's capability on them. */
  const context = async (
    request: FastifyRequest,
    reply: FastifyReply,
    capability: Extract<MetaCapabilityArgs, { user: unknown }>['capability'],
  ): Promise<{ signedIn: SignedIn; owner: User; base: string; back: string } | undefined> => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return undefined;
    const params = request.params as { id?: string };
    const owner =
      params.id === undefined ? signedIn.user : await findUserById(ctx.db, Number(params.id));
    if (!owner) throw new HttpError(404, 'rest_user_invalid_id', 'Invalid user ID.');
    if (!can(signedIn.user, { capability, user: owner })) {
      throw new HttpError(
        403,
        'rest_forbidden',
        'Sorry, you are not allowed to manage application passwords for this user.',
      );
    }
    if (!(await applicationPasswordsAvailableFor(ctx, request))) {
      throw new HttpError(
        501,
        'application_passwords_disabled',
        'Application passwords are not available.',
      );
    }
    if ((await readSettings(ctx.db)).applicationPasswordsDisabledRoles.includes(owner.role)) {
      throw new HttpError(
        501,
        'application_passwords_disabled_for_user',
        'Application passwords are not available for your account. Please contact the site administrator for assistance.',
      );
    }
    const back = params.id === undefined ? '/account' : `/admin/users/${owner.id}`;
    return { signedIn, owner, base: `${back}/application-passwords`, back };
  };
  const audit = (
    request: FastifyRequest,
    signedIn: SignedIn,
    event: AuditEventName,
    owner: User,
    details: Record<string, unknown>,
  ) =>
    recordAuditEvent(
      ctx.db,
      {
        event,
        userId: owner.id,
        ip: clientIp(request),
        userAgent: str(request.headers['user-agent']),
        credential: `session:${signedIn.session.id}`,
        details: { by: signedIn.user.id, ...details },
      },
      ctx.now(),
    );

  for (const prefix of ['/account', '/admin/users/:id']) {
    app.post(`${prefix}/application-passwords`, async (request, reply) => {
      const c = await context(request, reply, 'create_app_password');
      if (!c) return reply;
      assertFormCsrf(ctx, request, c.signedIn);
      if (ctx.now() - c.signedIn.session.authenticatedAt > REAUTH_WINDOW_MS) {
        return reply.redirect(
          `/login/reauth?redirect_to=${encodeURIComponent(`${c.back}#application-passwords`)}`,
          303,
        );
      }
      const form = (request.body ?? {}) as Record<string, unknown>;
      const name = sanitizeApplicationPasswordName(str(form.name));
      if (name === '')
        throw new HttpError(
          400,
          'application_password_empty_name',
          'An application name is required to create an application password.',
        );
      let limits;
      try {
        limits = parseCredentialLimits(
          { scope: form.scope, roleCeiling: form.role_ceiling, expires: form.expires },
          c.owner.role,
          ctx.now(),
        );
      } catch (error) {
        if (error instanceof CredentialLimitError)
          throw new HttpError(400, 'rest_invalid_param', error.detail);
        throw error;
      }
      const created = await createApplicationPassword(
        ctx.db,
        { userId: c.owner.id, name, ...limits },
        ctx.now(),
      );
      await audit(request, c.signedIn, 'app_password.created', c.owner, {
        uuid: created.record.uuid,
        name,
      });
      await notifyApplicationPasswordCreated(ctx, request, c.owner, created.record);
      // Shown in this response only: never in a URL, never stored.
      return sendPage(
        ctx,
        request,
        reply,
        { title: 'New application password', signedIn: c.signedIn },
        () => html`
        <h1>New application password</h1>
        <p>The application password <strong>${name}</strong> was created for ${c.owner.login}.</p>
        <p class="error" role="alert"><strong>Copy it now: it will not be shown again.</strong> Spaces are optional when you type it.</p>
        <p><code id="new-application-password" class="secret">${created.chunked}</code>
          <button type="button" class="secondary" data-copy-target="new-application-password" id="copy-application-password">Copy</button>
          <span class="muted" data-copy-status="new-application-password" aria-live="polite"></span></p>
        <p>Use it with the username <code>${c.owner.login}</code> in the program’s settings (HTTP Basic on the REST API, or as the password in XML-RPC clients).</p>
        <p><a href="${c.back}#application-passwords">Done</a></p>`,
      );
    });

    app.post(`${prefix}/application-passwords/:uuid/revoke`, async (request, reply) => {
      const c = await context(request, reply, 'delete_app_password');
      if (!c) return reply;
      assertFormCsrf(ctx, request, c.signedIn);
      const record = await findApplicationPassword(
        ctx.db,
        c.owner.id,
        (request.params as { uuid: string }).uuid,
      );
      if (record) {
        await deleteApplicationPassword(ctx.db, record);
        ctx.lastUsed.forget(record.uuid);
        await audit(request, c.signedIn, 'app_password.revoked', c.owner, {
          uuid: record.uuid,
          name: record.name,
        });
      }
      return reply.redirect(`${c.back}?done=app_password_revoked`, 303);
    });

    app.post(`${prefix}/application-passwords/revoke-all`, async (request, reply) => {
      const c = await context(request, reply, 'delete_app_passwords');
      if (!c) return reply;
      assertFormCsrf(ctx, request, c.signedIn);
      if (str((request.body as Record<string, unknown> | undefined)?.confirm) !== 'yes') {
        throw new HttpError(
          400,
          'latchkey_confirmation_required',
          'Tick the box to confirm that every application password should be revoked.',
        );
      }
      const records = await listApplicationPasswords(ctx.db, c.owner.id);
      const count = await deleteAllApplicationPasswords(ctx.db, c.owner.id);
      for (const r of records) ctx.lastUsed.forget(r.uuid);
      await audit(request, c.signedIn, 'app_password.revoked', c.owner, { all: true, count });
      return reply.redirect(`${c.back}?done=app_passwords_revoked`, 303);
    });

    app.get(`${prefix}/application-passwords/:uuid`, async (request, reply) => {
      const c = await context(request, reply, 'read_app_password');
      if (!c) return reply;
      const found = await findApplicationPassword(
        ctx.db,
        c.owner.id,
        (request.params as { uuid: string }).uuid,
      );
      if (!found)
        throw new HttpError(
          404,
          'rest_application_password_not_found',
          'Application password not found.',
        );
      const record = ctx.lastUsed.overlay(found);
      const { events } = await listAuditEvents(ctx.db, {
        userId: c.owner.id,
        credential: `app_password:${record.uuid}`,
        page: 1,
        perPage: 50,
      });
      const created = await listAuditEvents(ctx.db, { userId: c.owner.id, page: 1, perPage: 200 });
      const lifecycle = created.events.filter(
        (e) => e.details.uuid === record.uuid && e.credential !== `app_password:${record.uuid}`,
      );
      const all = [...events, ...lifecycle].sort((a, b) => b.time - a.time);
      return sendPage(
        ctx,
        request,
        reply,
        { title: `Application password ${record.name}`, signedIn: c.signedIn },
        () => html`
        <p><a href="${c.back}#application-passwords">← Back</a></p>
        <h1>${record.name}</h1>
        <table>
          <tr><th>Created</th><td>${formatTime(record.created)}</td></tr>
          <tr><th>Last used</th><td>${formatTime(record.lastUsed)}</td></tr>
          <tr><th>Last IP</th><td>${record.lastIp ?? '—'}</td></tr>
          <tr><th>App ID</th><td>${record.appId || '—'}</td></tr>
          <tr><th>Scope</th><td>${record.scope}</td></tr>
        </table>
        <h2>Activity</h2>
        ${
          all.length === 0
            ? html`<p class="muted">No activity recorded yet.</p>`
            : html`<table id="activity"><thead><tr><th>When</th><th>Event</th><th>IP</th><th>Browser or client</th></tr></thead>
            <tbody>${all.map((e) => html`<tr><td>${formatTime(e.time)}</td><td><code>${e.event}</code></td><td>${e.ip}</td><td>${e.userAgent.slice(0, 80)}</td></tr>`)}</tbody></table>`
        }`,
      );
    });
  }

  // Step-up: re-enter the password before creating credentials (until two-factor provides it).
  app.get('/login/reauth', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    const redirectTo = safeRedirectTarget(
      (request.query as Record<string, unknown>).redirect_to,
      ctx.config.siteUrl,
      '/account',
    );
    return sendPage(ctx, request, reply, { title: 'Confirm your password', signedIn }, (csrf) =>
      reauthForm(csrf, redirectTo),
    );
  });

  app.post('/login/reauth', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const redirectTo = safeRedirectTarget(body.redirect_to, ctx.config.siteUrl, '/account');
    const addressKey = addressLimitKey(clientIp(request));
    const accountKey = `user:${signedIn.user.id}`;
    const limit = await ctx.limiters.signIn.begin(accountKey, addressKey);
    if (!limit.allowed) {
      reply.header('retry-after', String(limit.retryAfterSeconds));
      return sendPage(
        ctx,
        request,
        reply,
        {
          title: 'Confirm your password',
          status: 429,
          signedIn,
          flash: {
            kind: 'error',
            text: `Too many failed attempts. Try again in ${limit.retryAfterSeconds} seconds.`,
          },
        },
        (csrf) => reauthForm(csrf, redirectTo),
      );
    }
    if (!(await verifyAccountPassword(signedIn.user.passwordHash, str(body.pwd)))) {
      await limit.fail();
      return sendPage(
        ctx,
        request,
        reply,
        {
          title: 'Confirm your password',
          status: 200,
          signedIn,
          flash: { kind: 'error', text: 'That password is not correct.' },
        },
        (csrf) => reauthForm(csrf, redirectTo),
      );
    }
    await limit.succeed();
    // Password, then (for two-factor users) the second factor, as at sign-in.
    return afterPasswordStep(ctx, request, reply, signedIn.user, {
      purpose: 'reauth',
      remember: false,
      redirectTo,
      signedIn,
    });
  });
}

function reauthForm(csrf: string, redirectTo: string): Html {
  return html`<h1>Confirm your password</h1>
    <p>For your security, enter your password again to continue.</p>
    <form class="stack" method="post" action="/login/reauth">
      <input type="hidden" name="_csrf" value="${csrf}">
      <input type="hidden" name="redirect_to" value="${redirectTo}">
      <label>Password <input type="password" name="pwd" id="reauth-password" autocomplete="current-password" required autofocus></label>
      <button type="submit">Confirm</button>
    </form>`;
}
