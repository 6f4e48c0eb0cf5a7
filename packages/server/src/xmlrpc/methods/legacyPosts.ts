import type { User } from '../../accounts/index.js';
import type { Post, PostStatus } from '../../content/index.js';
import { notFound, notPermitted, XmlRpcFault } from '../faults.js';
import {
  intParam,
  optionalIntParam,
  SECOND_USER_PASS,
  BLOG_USER_PASS,
  stringParam,
  truthy,
  type AuthenticatedCall,
  type MethodTable,
} from '../method.js';
import { canEditPost, termsOfPosts, typeCan } from '../shapes.js';
import { newStruct, XmlRpcDateTime, type XmlRpcValue } from '../values.js';
import { publishExistingPost, saveBloggerPost } from '../writes.js';
import { loadPost, readablePosts, shapeContext } from './posts.js';

/** `wp_get_recent_posts`' statuses: everything but the trash. */
const RECENT_STATUSES: PostStatus[] = ['draft', 'publish', 'future', 'pending', 'private'];

/**
 * The caller's recent posts (`wp_get_recent_posts`, then WordPress's edit check). WordPress
 * answers fault 500 when the site has no post at all, and these methods keep that quirk.
 */
async function recentEditablePosts(call: AuthenticatedCall, countIndex: number): Promise<Post[]> {
  const count = optionalIntParam(call, countIndex, 'numberposts');
  const user = call.principal.user;
  const listed = await readablePosts(call.ctx, user, {
    type: 'post',
    statuses: RECENT_STATUSES,
    count: count === undefined || count === 0 ? 10 : Math.abs(count),
  });
  if (listed.length === 0)
    throw new XmlRpcFault(500, 'No posts found or an error occurred while retrieving posts.');
  return listed.filter((p) => canEditPost(user, p));
}

/** Blogger's post: the title and category ids travel inside `content`. */
async function bloggerPosts(call: AuthenticatedCall, posts: Post[]): Promise<XmlRpcValue[]> {
  const s = await shapeContext(call.ctx);
  const terms = await termsOfPosts(
    call.ctx,
    posts.map((p) => p.id),
  );
  return posts.map((post) => {
    const categories = (terms.get(post.id)?.categories ?? []).map((t) => t.id).join(',');
    return Object.assign(newStruct(), {
      userid: String(post.authorId),
      dateCreated: XmlRpcDateTime.local(post.date, s.timeZone),
      content: `<title>${post.title}</title><category>${categories}</category>${post.content}`,
      postid: String(post.id),
    });
  });
}

const canPublish = (user: User, post: Post) => typeCan(user, post.type, 'publish_posts');

/** Blogger's post methods and Movable Type's recent titles and publishing. */
export const legacyPostMethods: MethodTable = {
  'blogger.getPost': {
    tier: 'content',
    credentials: SECOND_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const post = await loadPost(call.ctx, intParam(call, 1, 'post_id'));
      if (!post) throw notFound('Invalid post ID.');
      if (!canEditPost(call.principal.user, post))
        throw notPermitted('Sorry, you are not allowed to edit this post.');
      return (await bloggerPosts(call, [post]))[0]!;
    },
  },
  'blogger.getRecentPosts': {
    tier: 'content',
    credentials: SECOND_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      if (!typeCan(call.principal.user, 'post', 'edit_posts'))
        throw notPermitted('Sorry, you are not allowed to edit posts.');
      return bloggerPosts(call, await recentEditablePosts(call, 4));
    },
  },
  'blogger.newPost': {
    tier: 'content',
    credentials: SECOND_USER_PASS,
    minArgs: 5,
    handler: async (call) => {
      const user = call.principal.user;
      const content = stringParam(call, 4, 'content');
      const publish = truthy(call.params[5]);
      if (
        !typeCan(user, 'post', 'create_posts') ||
        !typeCan(user, 'post', publish ? 'publish_posts' : 'edit_posts')
      )
        throw notPermitted('Sorry, you are not allowed to post on this site.');
      const post = await saveBloggerPost(call.ctx, user, content, publish, undefined);
      return post.id;
    },
  },
  'blogger.editPost': {
    tier: 'content',
    credentials: SECOND_USER_PASS,
    minArgs: 5,
    handler: async (call) => {
      const user = call.principal.user;
      const post = await loadPost(call.ctx, intParam(call, 1, 'post_id'));
      const content = stringParam(call, 4, 'content');
      const publish = truthy(call.params[5]);
      if (!post || post.type !== 'post') throw notFound('Sorry, no such post.');
      if (!canEditPost(user, post))
        throw notPermitted('Sorry, you are not allowed to edit this post.');
      // WordPress refuses editing a published post without publish_posts; publishing needs it too.
      if ((post.status === 'publish' || publish) && !canPublish(user, post))
        throw notPermitted('Sorry, you are not allowed to publish this post.');
      await saveBloggerPost(call.ctx, user, content, publish, post);
      return true;
    },
  },
  'mt.getRecentPostTitles': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      const posts = await recentEditablePosts(call, 3);
      const s = await shapeContext(call.ctx);
      return posts.map((post) =>
        Object.assign(newStruct(), {
          dateCreated: XmlRpcDateTime.local(post.date, s.timeZone),
          userid: String(post.authorId),
          postid: String(post.id),
          title: post.title,
          post_status: post.status,
          date_created_gmt: XmlRpcDateTime.gmt(post.date),
        }),
      );
    },
  },
  'mt.publishPost': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      const user = call.principal.user;
      const post = await loadPost(call.ctx, intParam(call, 0, 'post_id'));
      if (!post) throw notFound('Invalid post ID.');
      if (!canPublish(user, post) || !canEditPost(user, post))
        throw notPermitted('Sorry, you are not allowed to publish this post.');
      return (await publishExistingPost(call.ctx, user, post)).id;
    },
  },
};
