import { blockAppId, listAppIdBlocks, unblockAppId } from '../../../app-passwords/index.js';
import { can } from '../../../accounts/index.js';
import { recordAuditEvent } from '../../../audit/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { restDate } from '../appPasswordShape.js';
import { restEndpoint, signedIn, type Permission, type RestRegistry } from '../registry.js';
import { denied } from '../denied.js';
import { requestOrigin } from './credentialAudit.js';

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

/** [ours] `latchkey/v1/application-password-blocks`: the site-wide list of blocked app ids. */
export function registerBlockRoutes(ctx: AppContext, registry: RestRegistry): void {
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
              ...requestOrigin(req),
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
              ...requestOrigin(req),
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
