import type { User } from '../../accounts/index.js';
import {
  deleteMedia,
  deletePost,
  existingTermIds,
  findMedia,
  findPost,
  listPosts,
  POST_STATUSES,
  publishDuePosts,
  trashPost,
  updatePost,
  uploadsDirectory,
  type Media,
  type Post,
  type PostOrderBy,
  type PostStatus,
  type PostType,
} from '../../content/index.js';
import type { AppContext } from '../../context.js';
import { readSettings } from '../../settings/index.js';
import { notFound, notPermitted, XmlRpcFault } from '../faults.js';
import {
  arrayParam,
  BLOG_USER_PASS,
  fieldsParam,
  SECOND_USER_PASS,
  intParam,
  memberInt,
  memberString,
  optionalIntParam,
  structParam,
  toInt,
  truthy,
  type AuthenticatedCall,
  type MethodTable,
} from '../method.js';
import {
  canDeleteMedia,
  canDeletePost,
  canEditPost,
  DEFAULT_POST_FIELDS,
  metaWeblogPost,
  readerOf,
  termsOfPosts,
  typeCan,
  usersById,
  wpPost,
  type ShapeContext,
} from '../shapes.js';
import { isStruct, newStruct, XmlRpcDateTime, type XmlRpcValue } from '../values.js';
import { saveMetaWeblogPost, saveWpPost } from '../writes.js';

export async function shapeContext(ctx: AppContext): Promise<ShapeContext> {
  const { timezone } = await readSettings(ctx.db);
  return { site: ctx.config.siteUrl, timeZone: timezone };
}

/** A post or page by id (scheduled ones whose time has come are published first). */
export async function loadPost(ctx: AppContext, id: number): Promise<Post | undefined> {
  await publishDuePosts(ctx.db, ctx.now());
  return findPost(ctx.db, id);
}

const invalidPostId = () => notFound('Invalid post ID.');

async function editablePost(call: AuthenticatedCall, id: number): Promise<Post> {
  const post = await loadPost(call.ctx, id);
  if (!post) throw invalidPostId();
  if (!canEditPost(call.principal.user, post))
    throw notPermitted('Sorry, you are not allowed to edit this post.');
  return post;
}

/** WordPress's `wp_delete_post` without force: to the trash, or gone when already there. */
export async function deleteOrTrash(ctx: AppContext, post: Post): Promise<void> {
  if (post.status === 'trash') await deletePost(ctx.db, post);
  else await trashPost(ctx.db, post, ctx.now());
}

async function metaWeblogShapes(
  call: AuthenticatedCall,
  posts: Post[],
  postIdAsString: boolean,
): Promise<XmlRpcValue[]> {
  const s = await shapeContext(call.ctx);
  const terms = await termsOfPosts(
    call.ctx,
    posts.map((p) => p.id),
  );
  const authors = await usersById(
    call.ctx,
    posts.map((p) => p.authorId),
  );
  return posts.map((p) =>
    metaWeblogPost(p, terms.get(p.id), authors.get(p.authorId), s, postIdAsString),
  );
}

/** Posts of a type the caller may read, newest first (before the edit check of the editors). */
export async function readablePosts(
  ctx: AppContext,
  user: User,
  q: {
    type: PostType;
    statuses: PostStatus[];
    count: number;
    offset?: number;
    orderBy?: PostOrderBy;
    order?: 'asc' | 'desc';
    search?: string;
  },
): Promise<Post[]> {
  await publishDuePosts(ctx.db, ctx.now());
  const { posts } = await listPosts(ctx.db, {
    type: q.type,
    statuses: q.statuses,
    reader: readerOf(user, q.type),
    page: 1,
    perPage: Math.max(1, Math.min(q.count, 1000)),
    offset: q.offset ?? 0,
    search: q.search || undefined,
    orderBy: q.orderBy ?? 'date',
    order: q.order ?? 'desc',
  });
  return posts;
}

/** Posts of a type the caller may edit, newest first (what the editors list). */
async function editablePosts(
  ctx: AppContext,
  user: User,
  q: Parameters<typeof readablePosts>[2],
): Promise<Post[]> {
  return (await readablePosts(ctx, user, q)).filter((p) => canEditPost(user, p));
}

const NOT_TRASHED = POST_STATUSES.filter((s) => s !== 'trash');

const deleteHandler =
  (postIndex: number) =>
  async (call: AuthenticatedCall): Promise<XmlRpcValue> => {
    const post = await loadPost(call.ctx, intParam(call, postIndex, 'post_id'));
    if (!post) throw invalidPostId();
    await deleteOrTrashAs(call, post);
    return true;
  };

async function deleteOrTrashAs(call: AuthenticatedCall, post: Post): Promise<void> {
  if (!canDeletePost(call.principal.user, post))
    throw notPermitted('Sorry, you are not allowed to delete this post.');
  await deleteOrTrash(call.ctx, post);
}

/** An attachment goes for good, as WordPress deletes media without a trash. */
async function deleteAttachmentAs(call: AuthenticatedCall, media: Media): Promise<void> {
  if (!canDeleteMedia(call.principal.user, media))
    throw notPermitted('Sorry, you are not allowed to delete this post.');
  await deleteMedia(call.ctx.db, uploadsDirectory(call.ctx.config.dataDir), media);
}

/**
 * `wp.deletePost` and its alias `wp.deleteFile` delete a post or an attachment, as in WordPress.
 * Posts and attachments share one id space (migration 0008), so an id names one of them; only a
 * store from before that can hold both under one id, and there the method's name decides which
 * is meant first (a post for `wp.deletePost`, the file for `wp.deleteFile`).
 */
const deleteAnyHandler =
  (first: 'post' | 'attachment') =>
  async (call: AuthenticatedCall): Promise<XmlRpcValue> => {
    const id = intParam(call, 3, 'post_id');
    const asPost = async () => {
      const post = await loadPost(call.ctx, id);
      if (post) await deleteOrTrashAs(call, post);
      return post !== undefined;
    };
    const asAttachment = async () => {
      const media = await findMedia(call.ctx.db, id);
      if (media) await deleteAttachmentAs(call, media);
      return media !== undefined;
    };
    const [one, other] = first === 'post' ? [asPost, asAttachment] : [asAttachment, asPost];
    if (!(await one()) && !(await other())) throw invalidPostId();
    return true;
  };

const postFieldsParam = (call: AuthenticatedCall, index: number): string[] =>
  fieldsParam(call, index, DEFAULT_POST_FIELDS);

/** metaWeblog, Blogger and Movable Type post methods, and WordPress's `wp.*Post*`. */
export const postMethods: MethodTable = {
  'metaWeblog.getRecentPosts': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      const user = call.principal.user;
      const count = optionalIntParam(call, 3, 'numberposts') ?? 10;
      if (!typeCan(user, 'post', 'edit_posts'))
        throw notPermitted('Sorry, you are not allowed to edit posts.');
      const posts = await editablePosts(call.ctx, user, {
        type: 'post',
        statuses: NOT_TRASHED,
        count: count > 0 ? count : 10,
      });
      return metaWeblogShapes(call, posts, true);
    },
  },
  'metaWeblog.getPost': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      const post = await editablePost(call, intParam(call, 0, 'post_id'));
      return (await metaWeblogShapes(call, [post], false))[0]!;
    },
  },
  'metaWeblog.newPost': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const struct = structParam(call, 3, 'content_struct');
      const requested = memberString(struct, 'post_type');
      if (requested !== undefined && requested !== 'post' && requested !== 'page')
        throw notPermitted('Invalid post type.');
      const post = await saveMetaWeblogPost(
        call.ctx,
        call.principal.user,
        struct,
        truthy(call.params[4]),
        { type: requested ?? 'post' },
      );
      return String(post.id);
    },
  },
  'metaWeblog.editPost': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const post = await editablePost(call, intParam(call, 0, 'post_id'));
      const struct = structParam(call, 3, 'content_struct');
      await saveMetaWeblogPost(call.ctx, call.principal.user, struct, truthy(call.params[4]), {
        type: post.type,
        existing: post,
      });
      return true;
    },
  },
  'metaWeblog.deletePost': {
    tier: 'content',
    credentials: SECOND_USER_PASS,
    minArgs: 4,
    handler: deleteHandler(1),
  },
  'blogger.deletePost': {
    tier: 'content',
    credentials: SECOND_USER_PASS,
    minArgs: 4,
    handler: deleteHandler(1),
  },
  'mt.getPostCategories': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      const post = await editablePost(call, intParam(call, 0, 'post_id'));
      const terms = await termsOfPosts(call.ctx, [post.id]);
      return (terms.get(post.id)?.categories ?? []).map((term, i) =>
        Object.assign(newStruct(), {
          categoryName: term.name,
          categoryId: String(term.id),
          isPrimary: i === 0,
        }),
      );
    },
  },
  'mt.setPostCategories': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const post = await editablePost(call, intParam(call, 0, 'post_id'));
      const wanted = arrayParam(call, 3, 'categories').map((entry) => {
        const id = isStruct(entry) ? memberInt(entry, 'categoryId') : toInt(entry);
        return id ?? -1;
      });
      if (post.type !== 'post') return true;
      const ids = await existingTermIds(call.ctx.db, 'category', wanted);
      await updatePost(call.ctx.db, post, { categories: ids }, call.ctx.now());
      return true;
    },
  },
  'wp.getPost': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const post = await editablePost(call, intParam(call, 3, 'post_id'));
      const fields = postFieldsParam(call, 4);
      const terms = await termsOfPosts(call.ctx, [post.id]);
      return wpPost(post, terms.get(post.id), fields, await shapeContext(call.ctx));
    },
  },
  'wp.getPosts': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      const user = call.principal.user;
      const filter = structParam(call, 3, 'filter');
      const fields = postFieldsParam(call, 4);
      const type = memberString(filter, 'post_type') ?? 'post';
      if (type !== 'post' && type !== 'page') throw new XmlRpcFault(403, 'Invalid post type.');
      if (!typeCan(user, type, 'edit_posts'))
        throw notPermitted('Sorry, you are not allowed to edit posts in this post type.');
      const status = memberString(filter, 'post_status');
      const statuses =
        status && (POST_STATUSES as readonly string[]).includes(status)
          ? [status as PostStatus]
          : NOT_TRASHED;
      const orderBy = memberString(filter, 'orderby');
      const order = memberString(filter, 'order')?.toLowerCase();
      const posts = await editablePosts(call.ctx, user, {
        type,
        statuses,
        count: memberInt(filter, 'number') ?? 10,
        offset: Math.max(0, memberInt(filter, 'offset') ?? 0),
        orderBy: ORDER_BY[orderBy ?? 'date'] ?? 'date',
        order: order === 'asc' ? 'asc' : 'desc',
        search: memberString(filter, 's'),
      });
      const s = await shapeContext(call.ctx);
      const terms = await termsOfPosts(
        call.ctx,
        posts.map((p) => p.id),
      );
      return posts.map((p) => wpPost(p, terms.get(p.id), fields, s));
    },
  },
  'wp.newPost': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const struct = structParam(call, 3, 'content_struct');
      const post = await saveWpPost(call.ctx, call.principal.user, struct, undefined);
      return String(post.id);
    },
  },
  'wp.editPost': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 5,
    handler: async (call) => {
      const post = await editablePost(call, intParam(call, 3, 'post_id'));
      const struct = structParam(call, 4, 'content_struct');
      const since = struct.if_not_modified_since;
      if (since instanceof XmlRpcDateTime) {
        const { timezone } = await readSettings(call.ctx.db);
        if (post.modified > since.toEpoch(timezone))
          throw new XmlRpcFault(409, 'There is a revision of this post that is more recent.');
      }
      await saveWpPost(call.ctx, call.principal.user, struct, post);
      return true;
    },
  },
  'wp.deletePost': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: deleteAnyHandler('post'),
  },
  'wp.deleteFile': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: deleteAnyHandler('attachment'),
  },
  // Latchkey keeps no revisions: every post has none, and there is none to restore.
  'wp.getRevisions': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const post = await loadPost(call.ctx, intParam(call, 3, 'post_id'));
      fieldsParam(call, 4, []); // checked, though no revision has fields to show
      if (!post) throw invalidPostId();
      if (!canEditPost(call.principal.user, post))
        throw notPermitted('Sorry, you are not allowed to edit posts.');
      return [];
    },
  },
  'wp.restoreRevision': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      intParam(call, 3, 'revision_id');
      throw invalidPostId();
    },
  },
  // Trackbacks are comments in WordPress; Latchkey has none. Public, as in WordPress, and only
  // published posts are found, so the method tells nobody which drafts exist.
  'mt.getTrackbackPings': {
    tier: 'content',
    credentials: null,
    minArgs: 1,
    handler: async (call) => {
      const post = await loadPost(call.ctx, intParam(call, 0, 'post_id'));
      if (!post || post.status !== 'publish') throw notFound('Sorry, no such post.');
      return [];
    },
  },
};

const ORDER_BY: Record<string, PostOrderBy> = {
  date: 'date',
  post_date: 'date',
  ID: 'id',
  id: 'id',
  title: 'title',
  post_title: 'title',
  modified: 'modified',
  post_modified: 'modified',
  name: 'slug',
  menu_order: 'menu_order',
};
