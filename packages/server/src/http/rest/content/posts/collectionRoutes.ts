import { createPost, type PostType } from '../../../../content/index.js';
import type { AppContext } from '../../../../context.js';
import { HttpError } from '../../../errors.js';
import { restEndpoint, signedIn, type RestRegistry } from '../../registry.js';
import { collectionHeaders } from '../pagination.js';
import { contextOf } from '../resourceContext.js';
import { denied } from '../../denied.js';
import { typeCan } from '../callerAccess.js';
import { REST_BASE } from '../postShape.js';
import { queryPosts } from './listQuery.js';
import {
  cannotAssignTerms,
  listPermission,
  mayAssignTerms,
  writePermission,
} from './postAccess.js';
import { postResourceOf, postResources } from './postLoading.js';
import { prepare } from './prepare.js';
import { listArgs, writeArgs } from './specs.js';

/** `/wp/v2/posts` (or pages): list and create. */
export function registerPostCollectionRoutes(
  ctx: AppContext,
  registry: RestRegistry,
  type: PostType,
): void {
  const base = REST_BASE[type];
  registry.register({
    namespace: 'wp/v2',
    tier: 'content',
    route: `/${base}`,
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: listArgs(type),
        permission: (req) => listPermission(req, type),
        handler: async (req) => {
          const { posts, total, page, perPage } = await queryPosts(ctx, type, req);
          return {
            body: await postResources(ctx, req, posts, contextOf(req)),
            headers: collectionHeaders(req, `wp/v2/${base}`, page, perPage, total),
          };
        },
      }),
      restEndpoint({
        methods: ['POST'],
        args: writeArgs(type),
        permission: async (req) => {
          if (req.args.id !== undefined)
            return new HttpError(400, 'rest_post_exists', 'Cannot create existing post.');
          const shared = writePermission(req, type, 'create');
          if (shared !== true) return shared;
          if (!typeCan(req.auth.user, type, 'create_posts'))
            return denied(
              req,
              'rest_cannot_create',
              'Sorry, you are not allowed to create posts as this user.',
            );
          if (!(await mayAssignTerms(ctx, req, type))) return cannotAssignTerms(req);
          return true;
        },
        handler: async (req) => {
          const user = signedIn(req);
          const changes = await prepare(ctx, type, req, undefined);
          const post = await createPost(
            ctx.db,
            {
              ...changes,
              date: changes.date ?? undefined,
              type,
              authorId: changes.authorId ?? user.id,
              status: changes.status ?? 'draft',
            },
            ctx.now(),
          );
          return {
            status: 201,
            body: await postResourceOf(ctx, req, post, 'edit'),
            headers: { location: `${ctx.config.siteUrl}/wp-json/wp/v2/${base}/${post.id}` },
          };
        },
      }),
    ],
  });
}
