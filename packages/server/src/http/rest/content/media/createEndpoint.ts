import { ContentError, createMedia, uploadsDirectory } from '../../../../content/index.js';
import type { AppContext } from '../../../../context.js';
import { HttpError } from '../../../errors.js';
import type { ArgValues } from '../../args.js';
import { denied } from '../../denied.js';
import { restEndpoint, signedIn, type RestRequest } from '../../registry.js';
import { withoutNul } from '../argReaders.js';
import { typeCan } from '../callerAccess.js';
import { changesOf, mediaResourceOf } from './changes.js';
import { authorProblem, type MediaAccess } from './mediaAccess.js';
import { WRITE_SPECS } from './specs.js';
import { readUpload, type Upload } from './upload.js';

/** Stores the uploaded file as a new attachment; a refused file type is WordPress's upload error. */
async function createUploadedMedia(
  ctx: AppContext,
  access: MediaAccess,
  req: RestRequest<ArgValues<typeof WRITE_SPECS>>,
) {
  const user = signedIn(req);
  let upload: Upload | undefined;
  try {
    upload = await readUpload(req);
    // Multipart fields arrive only now: check them as the permission step would have.
    const late = authorProblem(req, 'create') ?? (await access.parentProblem(req));
    if (late) throw late;
    const changes = await changesOf(ctx, req, user);
    const media = await createMedia(
      ctx.db,
      uploadsDirectory(ctx.config.dataDir),
      {
        authorId: changes.authorId ?? user.id,
        postId: changes.postId,
        fileName: withoutNul(upload.fileName),
        bytes: upload.bytes,
        title: changes.title,
        caption: changes.caption,
        description: changes.description,
        altText: changes.altText,
        commentStatus: changes.commentStatus,
        pingStatus: changes.pingStatus,
        date: changes.date,
      },
      ctx.now(),
    );
    return {
      status: 201,
      body: await mediaResourceOf(ctx, req, media, 'edit'),
      headers: { location: `${ctx.config.siteUrl}/wp-json/wp/v2/media/${media.id}` },
    };
  } catch (error) {
    if (error instanceof ContentError && error.code === 'file_type_refused')
      throw new HttpError(
        400,
        upload?.via === 'multipart' || req.raw.isMultipart()
          ? 'rest_upload_unknown_error'
          : 'rest_upload_sideload_error',
        error.message,
      );
    throw error;
  }
}

/** POST /wp/v2/media: upload a file (multipart or raw body). */
export const createMediaEndpoint = (ctx: AppContext, access: MediaAccess) =>
  restEndpoint({
    methods: ['POST'],
    args: WRITE_SPECS,
    permission: async (req) => {
      if (req.args.id !== undefined)
        return new HttpError(400, 'rest_post_exists', 'Cannot create existing post.');
      const author = authorProblem(req, 'create');
      if (author) return author;
      if (!typeCan(req.auth.user, 'attachment', 'create_posts'))
        return denied(
          req,
          'rest_cannot_create',
          'Sorry, you are not allowed to create posts as this user.',
        );
      return (await access.parentProblem(req)) ?? true;
    },
    handler: (req) => createUploadedMedia(ctx, access, req),
  });
