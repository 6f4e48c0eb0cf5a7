import { findApplicationPassword } from '../../../app-passwords/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { appPasswordItem } from '../appPasswordShape.js';
import { restEndpoint, type RestRegistry } from '../registry.js';
import { denied } from '../denied.js';
import { ownerPermission } from './owner.js';
import { CONTEXT_ARG, USER_ARG, USER_ID } from './specs.js';

const noAuthenticatedPassword = () =>
  new HttpError(
    404,
    'rest_no_authenticated_app_password',
    'Cannot introspect application password.',
  );

/** `/users/{id}/application-passwords/introspect`: the password this request came with. */
export function registerIntrospectRoute(ctx: AppContext, registry: RestRegistry): void {
  registry.register({
    tier: 'full',
    namespace: 'wp/v2',
    route: `/users/${USER_ID}/application-passwords/introspect`,
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: { ...USER_ARG, ...CONTEXT_ARG },
        permission: ownerPermission(ctx, (req, owner) =>
          !req.auth.user || req.auth.user.id !== owner.id
            ? denied(
                req,
                'rest_cannot_introspect_app_password_for_non_authenticated_user',
                'The authenticated application password can only be introspected for the current user.',
              )
            : true,
        ),
        handler: async (req) => {
          const used = req.auth.appPassword;
          if (!used) throw noAuthenticatedPassword();
          const record = await findApplicationPassword(ctx.db, used.userId, used.uuid);
          if (!record) throw noAuthenticatedPassword();
          return {
            body: appPasswordItem(ctx.config.siteUrl, ctx.lastUsed.overlay(record), {
              context: req.args.context,
            }),
          };
        },
      }),
    ],
  });
}
