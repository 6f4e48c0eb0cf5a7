import { deleteMedia, updateMedia, uploadsDirectory } from '../../../../content/index.js';
import type { AppContext } from '../../../../context.js';
import { HttpError } from '../../../errors.js';
import { denied } from '../../denied.js';
import { restEndpoint, signedIn, type RestRegistry } from '../../registry.js';
import { idOf, FORCE_DELETE_ARG } from '../argReaders.js';
import { callerCan } from '../callerAccess.js';
import { changesOf, mediaResourceOf } from './changes.js';
import { authorProblem, invalidId, mediaRef, type MediaAccess } from './mediaAccess.js';
import { readMediaEndpoint } from './readEndpoint.js';
import { ID_ARG, WRITE_SPECS } from './specs.js';

/** `/wp/v2/media/{id}`: read, update, delete (no trash) one attachment. */
export function registerMediaItemRoutes(
  ctx: AppContext,
  registry: RestRegistry,
  access: MediaAccess,
): void {
  const { loadMedia, parentProblem } = access;
  registry.register({
    namespace: 'wp/v2',
    tier: 'content',
    route: '/media/(?P<id>[\\d]+)',
    endpoints: [
      readMediaEndpoint(ctx, access),
      restEndpoint({
        methods: ['POST', 'PUT', 'PATCH'],
        args: { ...ID_ARG, ...WRITE_SPECS },
        permission: async (req) => {
          const media = await loadMedia(req, idOf(req));
          if (!media) return invalidId();
          if (!callerCan(req.auth.user, { capability: 'edit_post', post: mediaRef(media) }))
            return denied(req, 'rest_cannot_edit', 'Sorry, you are not allowed to edit this post.');
          const author = authorProblem(req, 'update');
          if (author) return author;
          if (req.args.post !== undefined && Number(req.args.post) !== media.postId)
            return (await parentProblem(req)) ?? true;
          return true;
        },
        handler: async (req) => {
          const media = await loadMedia(req, idOf(req));
          if (!media) throw invalidId();
          const changes = await changesOf(ctx, req, signedIn(req));
          const updated = await updateMedia(ctx.db, media, changes, ctx.now());
          return { body: await mediaResourceOf(ctx, req, updated, 'edit') };
        },
      }),
      restEndpoint({
        methods: ['DELETE'],
        args: {
          ...ID_ARG,
          ...FORCE_DELETE_ARG,
        },
        permission: async (req) => {
          const media = await loadMedia(req, idOf(req));
          if (!media) return invalidId();
          return callerCan(req.auth.user, { capability: 'delete_post', post: mediaRef(media) })
            ? true
            : denied(req, 'rest_cannot_delete', 'Sorry, you are not allowed to delete this post.');
        },
        handler: async (req) => {
          const media = await loadMedia(req, idOf(req));
          if (!media) throw invalidId();
          if (req.args.force !== true)
            throw new HttpError(
              501,
              'rest_trash_not_supported',
              "The post does not support trashing. Set 'force' to true to delete.",
            );
          const previous = await mediaResourceOf(ctx, req, media, 'edit');
          await deleteMedia(ctx.db, uploadsDirectory(ctx.config.dataDir), media);
          return { body: { deleted: true, previous } };
        },
      }),
    ],
  });
}
