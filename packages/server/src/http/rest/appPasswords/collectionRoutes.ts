import {
  createApplicationPassword,
  deleteAllApplicationPasswords,
  isAppIdBlocked,
  listApplicationPasswords,
} from '../../../app-passwords/index.js';
import type { AppContext } from '../../../context.js';
import { listServices, parseServicesLimit } from '../../../services/index.js';
import { HttpError } from '../../errors.js';
import { notifyApplicationPasswordCreated } from '../../notifications.js';
import { appPasswordItem } from '../appPasswordShape.js';
import { restEndpoint, type RestRegistry } from '../registry.js';
import { auditOwner } from './credentialAudit.js';
import { assertRecentAuthentication, parseWrite } from './newPassword.js';
import { allow, ownerOf } from './owner.js';
import { CONTEXT_ARG, USER_ARG, USER_ID, WRITE_ARGS } from './specs.js';

/** `/users/{id}/application-passwords`: list, create, delete all. */
export function registerCollectionRoutes(ctx: AppContext, registry: RestRegistry): void {
  const site = () => ctx.config.siteUrl;
  registry.register({
    tier: 'full',
    namespace: 'wp/v2',
    route: `/users/${USER_ID}/application-passwords`,
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: { ...USER_ARG, ...CONTEXT_ARG },
        permission: allow(ctx, 'list_app_passwords'),
        handler: async (req) => {
          const owner = await ownerOf(ctx, req);
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
        permission: allow(ctx, 'create_app_password'),
        handler: async (req) => {
          const owner = await ownerOf(ctx, req);
          assertRecentAuthentication(ctx, req);
          const { name, scope, roleCeiling, expires } = parseWrite(ctx, req, owner);
          const appId = typeof req.args.app_id === 'string' ? req.args.app_id : '';
          if (appId !== '' && (await isAppIdBlocked(ctx.db, appId))) {
            throw new HttpError(
              403,
              'latchkey_app_blocked',
              'This application has been blocked by the site administrator.',
            );
          }
          // A password limited to services makes passwords limited at least as narrowly.
          const services = parseServicesLimit(
            req.args.services,
            (await listServices(ctx.db)).map((s) => s.slug),
            req.auth.appPassword?.services ?? [],
          );
          const created = await createApplicationPassword(
            ctx.db,
            { userId: owner.id, name, appId, scope, roleCeiling, expires, services },
            ctx.now(),
          );
          await auditOwner(ctx, req, 'app_password.created', owner, {
            uuid: created.record.uuid,
            name,
            app_id: appId,
            scope,
            ...(services.length > 0 ? { services } : {}),
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
        permission: allow(ctx, 'delete_app_passwords'),
        handler: async (req) => {
          const owner = await ownerOf(ctx, req);
          const records = await listApplicationPasswords(ctx.db, owner.id);
          const count = await deleteAllApplicationPasswords(ctx.db, owner.id, ctx.now());
          for (const r of records) ctx.lastUsed.forget(r.uuid);
          await auditOwner(ctx, req, 'app_password.revoked', owner, { all: true, count });
          return { body: { deleted: true, count } };
        },
      }),
    ],
  });
}
