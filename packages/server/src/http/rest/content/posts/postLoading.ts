import {
  findPost,
  publishDuePosts,
  termIdsOfPosts,
  type Post,
  type PostType,
} from '../../../../content/index.js';
import type { AppContext } from '../../../../context.js';
import { readSettings } from '../../../../settings/index.js';
import type { RestRequest } from '../../registry.js';
import { idOf } from '../argReaders.js';
import { perRequest } from '../perRequest.js';
import { type Context } from '../resourceContext.js';
import { postResource } from '../postShape.js';
import { invalidId } from './postAccess.js';

/** The post of this type the route's id names, loaded once per request (due posts published first). */
export function postLoader(ctx: AppContext, type: PostType) {
  const loadPost = perRequest(async (id) => {
    await publishDuePosts(ctx.db, ctx.now());
    const post = await findPost(ctx.db, id);
    return post?.type === type ? post : undefined;
  });
  const requirePost = async (req: RestRequest) => {
    const post = await loadPost(req, idOf(req));
    if (!post) throw invalidId();
    return post;
  };
  return { loadPost, requirePost };
}

/** Posts as REST resources, with their terms and the site's time zone. */
export async function postResources(
  ctx: AppContext,
  req: RestRequest,
  posts: Post[],
  context: Context,
  unlocked = false,
) {
  const terms = await termIdsOfPosts(
    ctx.db,
    posts.map((p) => p.id),
  );
  const { timezone } = await readSettings(ctx.db);
  return posts.map((post) =>
    postResource({
      siteUrl: ctx.config.siteUrl,
      post,
      categories: terms.get(post.id)?.categories ?? [],
      tags: terms.get(post.id)?.tags ?? [],
      context,
      timeZone: timezone,
      viewer: req.auth.user,
      unlocked: unlocked || context === 'edit',
    }),
  );
}

export const postResourceOf = async (
  ctx: AppContext,
  req: RestRequest,
  post: Post,
  context: Context,
  unlocked = false,
) => (await postResources(ctx, req, [post], context, unlocked))[0]!;
