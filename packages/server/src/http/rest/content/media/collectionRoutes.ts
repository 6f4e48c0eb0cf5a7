import type { AppContext } from '../../../../context.js';
import { denied } from '../../denied.js';
import { restEndpoint, type RestRegistry } from '../../registry.js';
import { bracketArrayArgs, stringList } from '../argReaders.js';
import { typeCan } from '../callerAccess.js';
import { collectionHeaders } from '../pagination.js';
import { contextOf } from '../resourceContext.js';
import { mediaResourceOf } from './changes.js';
import { createMediaEndpoint } from './createEndpoint.js';
import { queryMedia } from './listQuery.js';
import type { MediaAccess } from './mediaAccess.js';
import { LIST_SPECS } from './specs.js';

/** `/wp/v2/media`: list and upload. */
export function registerMediaCollectionRoutes(
  ctx: AppContext,
  registry: RestRegistry,
  access: MediaAccess,
): void {
  registry.register({
    namespace: 'wp/v2',
    tier: 'content',
    route: '/media',
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: LIST_SPECS,
        permission: (req) => {
          bracketArrayArgs(req, LIST_SPECS);
          const user = req.auth.user;
          const statuses = stringList(req.args.status) ?? ['inherit'];
          if (statuses.some((s) => s !== 'inherit') && !typeCan(user, 'attachment', 'edit_posts'))
            return denied(req, 'rest_forbidden_status', 'Status is forbidden.');
          if (contextOf(req) === 'edit' && !typeCan(user, 'attachment', 'edit_posts'))
            return denied(
              req,
              'rest_forbidden_context',
              'Sorry, you are not allowed to edit posts in this post type.',
            );
          return true;
        },
        handler: async (req) => {
          const { media, total, page, perPage } = await queryMedia(ctx, req);
          const context = contextOf(req);
          return {
            body: await Promise.all(media.map((m) => mediaResourceOf(ctx, req, m, context))),
            headers: collectionHeaders(req, 'wp/v2/media', page, perPage, total),
          };
        },
      }),
      createMediaEndpoint(ctx, access),
    ],
  });
}
