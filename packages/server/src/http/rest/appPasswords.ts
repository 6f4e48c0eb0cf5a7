import {
  createApplicationPassword,
  deleteAllApplicationPasswords,
  deleteApplicationPassword,
  deleteApplicationPasswordsOfApp,
  findApplicationPassword,
  isAppIdBlocked,
  parseCredentialLimits,
  listApplicationPasswords,
  renameApplicationPassword,
  sanitizeApplicationPasswordName,
  blockAppId,
  unblockAppId,
  listAppIdBlocks,
  type ApplicationPassword,
} from '../../app-passwords/index.js';
import { can, findUserById, isRole, roleRank, type User } from '../../accounts/index.js';
import { listAuditEvents, recordAuditEvent, type AuditEventName } from '../../audit/index.js';
import { readSettings } from '../../settings/index.js';
import { clientIp } from '../clientAddress.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../errors.js';
import { notifyApplicationPasswordCreated } from '../notifications.js';
import type { ArgSpecs, ArgValues } from './args.js';
import { appPasswordItem, restDate } from './appPasswordShape.js';
import { applicationPasswordsAvailableFor } from './auth.js';
import {
  restEndpoint,
  signedIn,
  type Permission,
  type RestRegistry,
  type RestRequest,
} from './registry.js';
import { denied } from './users.js';

/** Creating a credential from a browser session needs a recent proof of identity (step-up). */
export const REAUTH_WINDOW_MS = 10 * 60 * 1000;

const USER_ID = '(?P<user_id>(?:[\\d]+|me))';
const UUID = '(?P<uuid>[\\w\\-]+)';
const USER_ARG = {
  user_id: { type: 'string', description: 'The ID for the user.' },
} satisfies ArgSpecs;
const CONTEXT_ARG = {
  context: { type: 'string', enum: ['view', 'embed', 'edit'], default: 'view' },
} as const satisfies ArgSpecs;
const WRITE_ARGS = {
  app_id: {
    type: 'string',
    format: 'uuid',
    description: 'A UUID provided by the application to uniquely identify it.',
  },
  name: {
    type: 'string',
    minLength: 1,
    // WordPress's schema: at least one character that is not white space.
    pattern: '.*\\S.*',
    required: true,
    description: 'The name of the application password.',
  },
  scope: {
    type: 'string',
    enum: ['full', 'content'],
    default: 'full',
    description: 'Latchkey: what the password may reach.',
  },
  role_ceiling: { type: ['string', 'null'], description: 'Latchkey: act with at most this role.' },
  expires: {
    type: ['string', 'null'],
    format: 'date-time',
    description: 'Latchkey: the password stops working after this time (UTC).',
  },
} as const satisfies ArgSpecs;

/** WordPress's refusal for each capability, by the capability that was missing. */
const DENIALS = {
  list_app_passwords: [
    'rest_cannot_list_application_passwords',
    'Sorry, you are not allowed to list application passwords for this user.',
  ],
  create_app_password: [
    'rest_cannot_create_application_passwords',
    'Sorry, you are not allowed to create application passwords for this user.',
  ],
  delete_app_passwords: [
    'rest_cannot_delete_application_passwords',
    'Sorry, you are not allowed to delete application passwords for this user.',
  ],
  read_app_password: [
    'rest_cannot_read_application_password',
    'Sorry, you are not allowed to read this application password.',
  ],
  edit_app_password: [
    'rest_cannot_edit_application_password',
    'Sorry, you are not allowed to edit this application password.',
  ],
  delete_app_password: [
    'rest_cannot_delete_application_password',
    'Sorry, you are not allowed to delete this application password.',
  ],
} as const;

export function registerApplicationPasswordRoutes(ctx: AppContext, registry: RestRegistry): void {
  const site = () => ctx.config.siteUrl;
  const who = (req: RestRequest) => ({
    ip: clientIp(req.raw),
    userAgent: String(req.raw.headers['user-agent'] ?? ''),
    credential:
      req.auth.via === 'cookie'
        ? `session:${req.auth.session?.id}`
        : req.auth.appPassword
          ? `app_password:${req.auth.appPassword.uuid}`
          : req.auth.via,
  });
  const audit = (
    req: RestRequest,
    event: AuditEventName,
    owner: User,
    details: Record<string, unknown>,
  ) =>
    recordAuditEvent(
      ctx.db,
      {
        ...who(req),
        event,
        userId: owner.id,
        details: { by: req.auth.user?.id ?? null, ...details },
      },
      ctx.now(),
    );

  const owners = new WeakMap<RestRequest, Promise<User>>();
  /** The order of checks is WordPress's: availability, `me` signed out, unknown user, then capability. */
  const ownerOf = (req: RestRequest): Promise<User> => {
    let p = owners.get(req);
    if (!p) {
      p = (async () => {
        if (!(await applicationPasswordsAvailableFor(ctx, req.raw))) {
          throw new HttpError(
            501,
            'application_passwords_disabled',
            'Application passwords are not available.',
          );
        }
        const id = req.args.user_id;
        let owner: User | undefined;
        if (id === 'me') {
          if (!req.auth.user)
            throw new HttpError(401, 'rest_not_logged_in', 'You are not currently logged in.');
          owner = req.auth.user;
        } else owner = await findUserById(ctx.db, Number(id));
        if (!owner) throw new HttpError(404, 'rest_user_invalid_id', 'Invalid user ID.');
        if ((await readSettings(ctx.db)).applicationPasswordsDisabledRoles.includes(owner.role)) {
          throw new HttpError(
            501,
            'application_passwords_disabled_for_user',
            'Application passwords are not available for your account. Please contact the site administrator for assistance.',
          );
        }
        return owner;
      })();
      owners.set(req, p);
    }
    return p;
  };

  const allow =
    (capability: keyof typeof DENIALS): Permission =>
    async (req) => {
      try {
        const owner = await ownerOf(req);
        const actor = req.auth.user;
        return actor && can(actor, { capability, user: owner })
          ? true
          : denied(req, DENIALS[capability][0], DENIALS[capability][1]);
      } catch (error) {
        if (error instanceof HttpError) return error;
        throw error;
      }
    };

  const requireRecord = async (req: RestRequest, owner: User): Promise<ApplicationPassword> => {
    const record = await findApplicationPassword(ctx.db, owner.id, String(req.args.uuid));
    if (!record)
      throw new HttpError(
        404,
        'rest_application_password_not_found',
        'Application password not found.',
      );
    return ctx.lastUsed.overlay(record);
  };

  /** Step-up for browser sessions: the password must have been entered in the last 10 minutes. */
  const assertRecentAuthentication = (req: RestRequest) => {
    const session = req.auth.session;
    if (
      req.auth.via === 'cookie' &&
      session &&
      ctx.now() - session.authenticatedAt > REAUTH_WINDOW_MS
    ) {
      const back = String(req.raw.headers.referer ?? '/account');
      throw new HttpError(403, 'latchkey_reauth_required', 'Confirm your password to continue.', {
        reauth_url: `/login/reauth?redirect_to=${encodeURIComponent(back.startsWith(site()) ? back.slice(site().length) || '/' : '/account')}`,
      });
    }
  };

  /**
   * Name and limits of a new password. It can never reach further than the credential that
   * creates it: a content-tier password makes content-tier ones, and a ceiling or expiry of the
   * creating password carries over when the new one would be wider.
   */
  const parseWrite = (req: RestRequest<ArgValues<typeof WRITE_ARGS>>, owner: User) => {
    const name = sanitizeApplicationPasswordName(req.args.name);
    if (name === '') {
      throw new HttpError(
        400,
        'application_password_empty_name',
        'An application name is required to create an application password.',
      );
    }
    const creator = req.auth.appPassword;
    // Measured against what the caller may do: through a password with a ceiling, the owner's
    // own role is out of reach whichever way the owner is named (`me` or the numeric id).
    const reachableRole =
      creator && req.auth.user && roleRank(req.auth.user.role) < roleRank(owner.role)
        ? req.auth.user.role
        : owner.role;
    const limits = parseCredentialLimits(
      { scope: req.args.scope, roleCeiling: req.args.role_ceiling, expires: req.args.expires },
      reachableRole,
      ctx.now(),
      creator?.scope ?? 'full',
    );
    if (creator?.roleCeiling && limits.roleCeiling === null && isRole(creator.roleCeiling)) {
      limits.roleCeiling = creator.roleCeiling;
    }
    if (creator?.expires && (limits.expires === null || limits.expires > creator.expires)) {
      limits.expires = creator.expires;
    }
    return { name, ...limits };
  };

  registry.register({
    tier: 'full',
    namespace: 'wp/v2',
    route: `/users/${USER_ID}/application-passwords`,
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: { ...USER_ARG, ...CONTEXT_ARG },
        permission: allow('list_app_passwords'),
        handler: async (req) => {
          const owner = await ownerOf(req);
          const records = await listApplicationPasswords(ctx.db, owner.id);
          const { context } = req.args;
          return {
            body: records.map((r) => appPasswordItem(site(), ctx.lastUsed.overlay(r), { context })),
          };
        },
      }),
      restEndpoint({
        methods: ['POST'],
        args: { ...USER_ARG, ...WRITE_ARGS },
        permission: allow('create_app_password'),
        handler: async (req) => {
          const owner = await ownerOf(req);
          assertRecentAuthentication(req);
          const { name, scope, roleCeiling, expires } = parseWrite(req, owner);
          const appId = typeof req.args.app_id === 'string' ? req.args.app_id : '';
          if (appId !== '' && (await isAppIdBlocked(ctx.db, appId))) {
            throw new HttpError(
              403,
              'latchkey_app_blocked',
              'This application has been blocked by the site administrator.',
            );
          }
          const created = await createApplicationPassword(
            ctx.db,
            { userId: owner.id, name, appId, scope, roleCeiling, expires },
            ctx.now(),
          );
          await audit(req, 'app_password.created', owner, {
            uuid: created.record.uuid,
            name,
            app_id: appId,
            scope,
          });
          await notifyApplicationPasswordCreated(ctx, req.raw, owner, created.record);
          return {
            status: 201,
            body: appPasswordItem(site(), created.record, { password: created.chunked }),
            headers: {
              location: `${site()}/wp-json/wp/v2/users/${owner.id}/application-passwords/${created.record.uuid}`,
            },
          };
        },
      }),
      restEndpoint({
        methods: ['DELETE'],
        args: USER_ARG,
        permission: allow('delete_app_passwords'),
        handler: async (req) => {
          const owner = await ownerOf(req);
          const records = await listApplicationPasswords(ctx.db, owner.id);
          const count = await deleteAllApplicationPasswords(ctx.db, owner.id);
          for (const r of records) ctx.lastUsed.forget(r.uuid);
          await audit(req, 'app_password.revoked', owner, { all: true, count });
          return { body: { deleted: true, count } };
        },
      }),
    ],
  });

  registry.register({
    tier: 'full',
    namespace: 'wp/v2',
    route: `/users/${USER_ID}/application-passwords/introspect`,
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: { ...USER_ARG, ...CONTEXT_ARG },
        permission: async (req) => {
          try {
            const owner = await ownerOf(req);
            if (!req.auth.user || req.auth.user.id !== owner.id) {
              return denied(
                req,
                'rest_cannot_introspect_app_password_for_non_authenticated_user',
                'The authenticated application password can only be introspected for the current user.',
              );
            }
            return true;
          } catch (error) {
            if (error instanceof HttpError) return error;
            throw error;
          }
        },
        handler: async (req) => {
          const used = req.auth.appPassword;
          if (!used)
            throw new HttpError(
              404,
              'rest_no_authenticated_app_password',
              'Cannot introspect application password.',
            );
          const record = await findApplicationPassword(ctx.db, used.userId, used.uuid);
          if (!record)
            throw new HttpError(
              404,
              'rest_no_authenticated_app_password',
              'Cannot introspect application password.',
            );
          return {
            body: appPasswordItem(site(), ctx.lastUsed.overlay(record), {
              context: req.args.context,
            }),
          };
        },
      }),
    ],
  });

  registry.register({
    tier: 'full',
    namespace: 'wp/v2',
    route: `/users/${USER_ID}/application-passwords/${UUID}`,
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: { ...USER_ARG, ...CONTEXT_ARG },
        permission: allow('read_app_password'),
        handler: async (req) => {
          const record = await requireRecord(req, await ownerOf(req));
          return { body: appPasswordItem(site(), record, { context: req.args.context }) };
        },
      }),
      restEndpoint({
        methods: ['POST', 'PUT', 'PATCH'],
        args: {
          ...USER_ARG,
          name: { ...WRITE_ARGS.name, required: false },
          app_id: WRITE_ARGS.app_id,
        },
        permission: allow('edit_app_password'),
        handler: async (req) => {
          const owner = await ownerOf(req);
          let record = await requireRecord(req, owner);
          if (req.args.name !== undefined) {
            const name = sanitizeApplicationPasswordName(req.args.name);
            if (name === '') {
              throw new HttpError(
                400,
                'application_password_empty_name',
                'An application name is required to create an application password.',
              );
            }
            if (name !== record.name) {
              const from = record.name;
              record = await renameApplicationPassword(ctx.db, record, name);
              await audit(req, 'app_password.renamed', owner, {
                uuid: record.uuid,
                from,
                to: name,
              });
            }
          }
          return { body: appPasswordItem(site(), record) };
        },
      }),
      restEndpoint({
        methods: ['DELETE'],
        args: USER_ARG,
        permission: allow('delete_app_password'),
        handler: async (req) => {
          const owner = await ownerOf(req);
          const record = await requireRecord(req, owner);
          await deleteApplicationPassword(ctx.db, record);
          ctx.lastUsed.forget(record.uuid);
          await audit(req, 'app_password.revoked', owner, { uuid: record.uuid, name: record.name });
          return {
            body: { deleted: true, previous: appPasswordItem(site(), record, { links: false }) },
          };
        },
      }),
    ],
  });

  // [ours] revoke every password of one app; per-credential activity; the site-wide block list.
  registry.register({
    tier: 'full',
    namespace: 'latchkey/v1',
    route: `/users/${USER_ID}/application-passwords`,
    endpoints: [
      restEndpoint({
        methods: ['DELETE'],
        args: { ...USER_ARG, app_id: { type: 'string', format: 'uuid', required: true } },
        permission: allow('delete_app_passwords'),
        handler: async (req) => {
          const owner = await ownerOf(req);
          const appId = req.args.app_id.toLowerCase();
          const count = await deleteApplicationPasswordsOfApp(ctx.db, owner.id, appId);
          await audit(req, 'app_password.revoked', owner, { app_id: appId, count });
          return { body: { deleted: true, count } };
        },
      }),
    ],
  });

  registry.register({
    tier: 'full',
    namespace: 'latchkey/v1',
    route: `/users/${USER_ID}/application-passwords/${UUID}/activity`,
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: {
          ...USER_ARG,
          page: { type: 'integer', default: 1, minimum: 1 },
          per_page: { type: 'integer', default: 20, minimum: 1, maximum: 100 },
        },
        permission: allow('read_app_password'),
        handler: async (req) => {
          const owner = await ownerOf(req);
          const record = await requireRecord(req, owner);
          const perPage = req.args.per_page;
          const { events, total } = await listAuditEvents(ctx.db, {
            userId: owner.id,
            credential: `app_password:${record.uuid}`,
            page: req.args.page,
            perPage,
          });
          return {
            body: events.map((e) => ({
              id: e.id,
              time: restDate(e.time),
              event: e.event,
              ip: e.ip,
              user_agent: e.userAgent,
              details: e.details,
            })),
            headers: {
              'x-wp-total': String(total),
              'x-wp-totalpages': String(Math.ceil(total / perPage)),
            },
          };
        },
      }),
    ],
  });

  const manageOptions: Permission = (req) =>
    req.auth.user && can(req.auth.user, 'manage_options')
      ? true
      : denied(req, 'rest_forbidden', 'Sorry, you are not allowed to do that.');
  const blockItem = (b: {
    appId: string;
    blockedBy: number | null;
    created: number;
    reason: string;
  }) => ({
    app_id: b.appId,
    blocked_by: b.blockedBy,
    created: restDate(b.created),
    reason: b.reason,
  });

  registry.register({
    tier: 'full',
    namespace: 'latchkey/v1',
    route: '/application-password-blocks',
    endpoints: [
      {
        methods: ['GET'],
        permission: manageOptions,
        handler: async () => ({ body: (await listAppIdBlocks(ctx.db)).map(blockItem) }),
      },
      restEndpoint({
        methods: ['POST'],
        args: {
          app_id: { type: 'string', format: 'uuid', required: true, minLength: 36 },
          reason: { type: 'string', maxLength: 500, default: '' },
        },
        permission: manageOptions,
        handler: async (req) => {
          const actor = signedIn(req);
          const appId = req.args.app_id.toLowerCase();
          const created = await blockAppId(ctx.db, appId, actor.id, req.args.reason, ctx.now());
          if (!created)
            throw new HttpError(
              409,
              'latchkey_app_already_blocked',
              'This application is already blocked.',
            );
          await recordAuditEvent(
            ctx.db,
            {
              ...who(req),
              event: 'app_password.blocked',
              userId: actor.id,
              details: { app_id: appId, reason: req.args.reason },
            },
            ctx.now(),
          );
          const block = (await listAppIdBlocks(ctx.db)).find((b) => b.appId === appId)!;
          return { status: 201, body: blockItem(block) };
        },
      }),
    ],
  });

  registry.register({
    tier: 'full',
    namespace: 'latchkey/v1',
    route: '/application-password-blocks/(?P<app_id>[0-9a-fA-F-]{36})',
    endpoints: [
      restEndpoint({
        methods: ['DELETE'],
        args: { app_id: { type: 'string', format: 'uuid' } },
        permission: manageOptions,
        handler: async (req) => {
          const appId = String(req.args.app_id).toLowerCase();
          if (!(await unblockAppId(ctx.db, appId)))
            throw new HttpError(
              404,
              'latchkey_app_not_blocked',
              'This application is not blocked.',
            );
          await recordAuditEvent(
            ctx.db,
            {
              ...who(req),
              event: 'app_password.unblocked',
              userId: signedIn(req).id,
              details: { app_id: appId },
            },
            ctx.now(),
          );
          return { body: { deleted: true, app_id: appId } };
        },
      }),
    ],
  });
}
