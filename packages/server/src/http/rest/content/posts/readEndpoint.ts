import type { AppContext } from '../../../../context.js';
import { HttpError } from '../../../errors.js';
import { denied } from '../../denied.js';
import { restEndpoint } from '../../registry.js';
import { idOf } from '../argReaders.js';
import { callerCan, forbidden } from '../callerAccess.js';
import { CONTEXT_ARG, contextOf } from '../resourceContext.js';
import { canReadPost, invalidId, postRef } from './postAccess.js';
import { postResourceOf, type postLoader } from './postLoading.js';
import { ID_ARG } from './specs.js';

/** GET one post or page: edit context needs edit_post, a protected one its password. */
export const readPostEndpoint = (
  ctx: AppContext,
  { loadPost, requirePost }: ReturnType<typeof postLoader>,
) =>
  restEndpoint({
    methods: ['GET'],
    args: {
      ...ID_ARG,
      ...CONTEXT_ARG,
      password: {
        type: 'string',
        description: 'The password for the post if it is password protected.',
      },
    },
    permission: async (req) => {
      const post = await loadPost(req, idOf(req));
      if (!post) return invalidId();
      const user = req.auth.user;
      if (
        contextOf(req) === 'edit' &&
        !callerCan(user, { capability: 'edit_post', post: postRef(post) })
      )
        return denied(
          req,
          'rest_forbidden_context',
          'Sorry, you are not allowed to edit this post.',
        );
      const password = req.args.password;
      if (typeof password === 'string' && password !== '' && password !== post.password)
        return new HttpError(403, 'rest_post_incorrect_password', 'Incorrect post password.');
      return canReadPost(user, post) ? true : forbidden(req);
    },
    handler: async (req) => {
      const post = await requirePost(req);
      const unlocked = typeof req.args.password === 'string' && req.args.password === post.password;
      return { body: await postResourceOf(ctx, req, post, contextOf(req), unlocked) };
    },
  });
