import type { PostRef } from '../../../../accounts/index.js';
import { findMedia, findPost, type Media, type Post } from '../../../../content/index.js';
import type { AppContext } from '../../../../context.js';
import { HttpError } from '../../../errors.js';
import { denied } from '../../denied.js';
import type { RestRequest } from '../../registry.js';
import { callerCan, typeCan } from '../callerAccess.js';
import { perRequest } from '../perRequest.js';
import { canReadPost } from '../posts.js';

export const mediaRef = (media: Media): PostRef => ({
  authorId: media.authorId,
  status: 'inherit',
  type: 'attachment',
});

export const invalidId = () => new HttpError(404, 'rest_post_invalid_id', 'Invalid post ID.');

/** Another author named on a create or update needs edit_others_posts. */
export const authorProblem = (req: RestRequest, verb: 'create' | 'update') => {
  const user = req.auth.user;
  if (
    req.args.author !== undefined &&
    Number(req.args.author) !== user?.id &&
    !typeCan(user, 'attachment', 'edit_others_posts')
  )
    return denied(
      req,
      'rest_cannot_edit_others',
      `Sorry, you are not allowed to ${verb} posts as this user.`,
    );
  return undefined;
};

/** The media and parent-post lookups (once per request), and the checks that need them. */
export function mediaAccess(ctx: AppContext) {
  const loadMedia = perRequest((id) => findMedia(ctx.db, id));
  const loadPost = perRequest((id) => findPost(ctx.db, id));

  /** Attached media is as readable as its post; unattached media is public. */
  const canRead = async (req: RestRequest, media: Media) => {
    if (media.postId === 0) return true;
    const parent = await loadPost(req, media.postId);
    return !parent || canReadPost(req.auth.user, parent);
  };

  /** Attaching media to a post requires the right to edit that post. */
  const parentProblem = async (req: RestRequest): Promise<HttpError | undefined> => {
    if (req.args.post === undefined || req.args.post === 0 || req.args.post === null)
      return undefined;
    const parent: Post | undefined = await loadPost(req, Number(req.args.post));
    const ref = parent && { authorId: parent.authorId, status: parent.status, type: parent.type };
    if (!ref || !callerCan(req.auth.user, { capability: 'edit_post', post: ref }))
      return denied(
        req,
        'rest_cannot_edit',
        'Sorry, you are not allowed to upload media to this post.',
      );
    return undefined;
  };

  return { loadMedia, canRead, parentProblem };
}

export type MediaAccess = ReturnType<typeof mediaAccess>;
