import { deleteApplicationPasswordsOfApp } from '../../../app-passwords/index.js';
import { listAuditEvents } from '../../../audit/index.js';
import type { AppContext } from '../../../context.js';
import { restDate } from '../appPasswordShape.js';
import { restEndpoint, type RestRegistry } from '../registry.js';
import { auditOwner } from './credentialAudit.js';
import { allow, ownerOf, requireRecord } from './owner.js';
import { USER_ARG, USER_ID, UUID } from './specs.js';

/** [ours] `latchkey/v1`: revoke every password of one app; one password's activity. */
export function registerAppRevocationAndActivityRoutes(
  ctx: AppContext,
  registry: RestRegistry,
): void {
  registry.register({
    tier: 'full',
    namespace: 'latchkey/v1',
    route: `/users/${USER_ID}/application-passwords`,
    endpoints: [
      restEndpoint({
        methods: ['DELETE'],
        args: { ...USER_ARG, app_id: { type: 'string', format: 'uuid', required: true } },
        permission: allow(ctx, 'delete_app_passwords'),
        handler: async (req) => {
          const owner = await ownerOf(ctx, req);
          const appId = req.args.app_id.toLowerCase();
          const count = await deleteApplicationPasswordsOfApp(ctx.db, owner.id, appId, ctx.now());
          await auditOwner(ctx, req, 'app_password.revoked', owner, { app_id: appId, count });
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
        permission: allow(ctx, 'read_app_password'),
        handler: async (req) => {
          const owner = await ownerOf(ctx, req);
          const record = await requireRecord(ctx, req, owner);
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
}
