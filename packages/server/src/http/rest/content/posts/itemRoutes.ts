import { deletePost, trashPost, updatePost, type PostType } from '../../../../content/index.js';
import type { AppContext } from '../../../../context.js';
import { HttpError } from '../../../errors.js';
import { restEndpoint, type RestRegistry } from '../../registry.js';
import { callerCan } from '../callerAccess.js';
import { denied } from '../../denied.js';
import { idOf, FORCE_DELETE_ARG } from '../argReaders.js';
import { REST_BASE } from '../postShape.js';
import {
  cannotAssignTerms,
  invalidId,
  mayAssignTerms,
  postRef,
  writePermission,
} from './postAccess.js';
import { postLoader, postResourceOf } from './postLoading.js';
import { prepare } from './prepare.js';
import { readPostEndpoint } from './readEndpoint.js';
import { ID_ARG, writeArgs } from './specs.js';

/** `/wp/v2/posts/{id}` (or pages): read, update, trash or delete one. */
export function registerPostItemRoutes(
  ctx: AppContext,
  registry: RestRegistry,
  type: PostType,
): void {
  const loader = postLoader(ctx, type);
  const { loadPost, requirePost } = loader;
  registry.register({
    namespace: 'wp/v2',
    tier: 'content',
    route: `/${REST_BASE[type]}/(?P<id>[\\d]+)`,
    endpoints: [
      readPostEndpoint(ctx, loader),
      restEndpoint({
        methods: ['POST', 'PUT', 'PATCH'],
        args: { ...ID_ARG, ...writeArgs(type) },
        permission: async (req) => {
          const post = await loadPost(req, idOf(req));
          if (!post) return invalidId();
          if (!callerCan(req.auth.user, { capability: 'edit_post', post: postRef(post) }))
            return denied(req, 'rest_cannot_edit', 'Sorry, you are not allowed to edit this post.');
          const shared = writePermission(req, type, 'update');
          if (shared !== true) return shared;
          if (!(await mayAssignTerms(ctx, req, type))) return cannotAssignTerms(req);
          return true;
        },
        handler: async (req) => {
          const post = await requirePost(req);
          const changes = await prepare(ctx, type, req, post);
          const updated = await updatePost(ctx.db, post, changes, ctx.now());
          return { body: await postResourceOf(ctx, req, updated, 'edit') };
        },
      }),
      restEndpoint({
        methods: ['DELETE'],
        args: {
          ...ID_ARG,
          ...FORCE_DELETE_ARG,
        },
        permission: async (req) => {
          const post = await loadPost(req, idOf(req));
          if (!post) return invalidId();
          return callerCan(req.auth.user, { capability: 'delete_post', post: postRef(post) })
            ? true
            : denied(req, 'rest_cannot_delete', 'Sorry, you are not allowed to delete this post.');
        },
        handler: async (req) => {
          const post = await requirePost(req);
          if (req.args.force === true) {
            const previous = await postResourceOf(ctx, req, post, 'edit');
            await deletePost(ctx.db, post);
            return { body: { deleted: true, previous } };
          }
          if (post.status === 'trash')
            throw new HttpError(410, 'rest_already_trashed', 'The post has already been deleted.');
          const trashed = await trashPost(ctx.db, post, ctx.now());
          return { body: await postResourceOf(ctx, req, trashed, 'edit') };
        },
      }),
    ],
  });
}
