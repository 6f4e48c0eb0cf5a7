import type { AppContext } from '../../../../context.js';
import { denied } from '../../denied.js';
import { restEndpoint } from '../../registry.js';
import { idOf } from '../argReaders.js';
import { callerCan, forbidden } from '../callerAccess.js';
import { CONTEXT_ARG, contextOf } from '../resourceContext.js';
import { mediaResourceOf } from './changes.js';
import { invalidId, mediaRef, type MediaAccess } from './mediaAccess.js';
import { ID_ARG } from './specs.js';

/** GET one attachment: as readable as its post; edit context needs edit_post. */
export const readMediaEndpoint = (ctx: AppContext, { loadMedia, canRead }: MediaAccess) =>
  restEndpoint({
    methods: ['GET'],
    args: { ...ID_ARG, ...CONTEXT_ARG },
    permission: async (req) => {
      const media = await loadMedia(req, idOf(req));
      if (!media) return invalidId();
      if (
        contextOf(req) === 'edit' &&
        !callerCan(req.auth.user, { capability: 'edit_post', post: mediaRef(media) })
      )
        return denied(
          req,
          'rest_forbidden_context',
          'Sorry, you are not allowed to edit this post.',
        );
      return (await canRead(req, media)) ? true : forbidden(req);
    },
    handler: async (req) => {
      const media = await loadMedia(req, idOf(req));
      if (!media) throw invalidId();
      return { body: await mediaResourceOf(ctx, req, media, contextOf(req)) };
    },
  });
