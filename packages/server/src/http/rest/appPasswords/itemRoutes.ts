import {
  deleteApplicationPassword,
  renameApplicationPassword,
} from '../../../app-passwords/index.js';
import type { AppContext } from '../../../context.js';
import { appPasswordItem } from '../appPasswordShape.js';
import { restEndpoint, type RestRegistry } from '../registry.js';
import { auditOwner } from './credentialAudit.js';
import { requireName } from './newPassword.js';
import { allow, ownerOf, requireRecord } from './owner.js';
import { CONTEXT_ARG, USER_ARG, USER_ID, UUID, WRITE_ARGS } from './specs.js';

/** `/users/{id}/application-passwords/{uuid}`: read, rename, delete one password. */
export function registerItemRoutes(ctx: AppContext, registry: RestRegistry): void {
  const site = () => ctx.config.siteUrl;
  registry.register({
    tier: 'full',
    namespace: 'wp/v2',
    route: `/users/${USER_ID}/application-passwords/${UUID}`,
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: { ...USER_ARG, ...CONTEXT_ARG },
        permission: allow(ctx, 'read_app_password'),
        handler: async (req) => {
          const record = await requireRecord(ctx, req, await ownerOf(ctx, req));
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
        permission: allow(ctx, 'edit_app_password'),
        handler: async (req) => {
          const owner = await ownerOf(ctx, req);
          let record = await requireRecord(ctx, req, owner);
          if (req.args.name !== undefined) {
            const name = requireName(req.args.name);
            if (name !== record.name) {
              const from = record.name;
              record = await renameApplicationPassword(ctx.db, record, name);
              await auditOwner(ctx, req, 'app_password.renamed', owner, {
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
        permission: allow(ctx, 'delete_app_password'),
        handler: async (req) => {
          const owner = await ownerOf(ctx, req);
          const record = await requireRecord(ctx, req, owner);
          await deleteApplicationPassword(ctx.db, record, ctx.now());
          ctx.lastUsed.forget(record.uuid);
          await auditOwner(ctx, req, 'app_password.revoked', owner, {
            uuid: record.uuid,
            name: record.name,
          });
          return {
            body: { deleted: true, previous: appPasswordItem(site(), record, { links: false }) },
          };
        },
      }),
    ],
  });
}
