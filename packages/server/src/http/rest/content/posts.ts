import type { PostRef, User } from '../../../accounts/index.js';
import {
  checkPostWrite,
  cleanPostHtml,
  cleanPostTitle,
  createPost,
  deletePost,
  existingTermIds,
  findPost,
  listPosts,
  MAX_DB_INT,
  POST_STATUSES,
  publishDuePosts,
  termIdsOfPosts,
  trashPost,
  updatePost,
  type Post,
  type PostChanges,
  type PostOrderBy,
  type PostStatus,
  type PostType,
} from '../../../content/index.js';
import { readSettings } from '../../../settings/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import type { ArgSpecs, ArgValues } from '../args.js';
import { restEndpoint, signedIn, type RestRegistry, type RestRequest } from '../registry.js';
import {
  bracketArrayArgs,
  callerCan,
  collectionHeaders,
  CONTEXT_ARG,
  contextOf,
  dateArg,
  denied,
  forbidden,
  idOf,
  intList,
  PAGING_ARGS,
  perRequest,
  readerOf,
  stringArg,
  stringList,
  textArg,
  typeCan,
  type Context,
} from './common.js';
import { postResource, REST_BASE } from './postShape.js';

const WRITABLE_STATUSES = ['publish', 'future', 'draft', 'pending', 'private'] as const;
const FORMATS = [
  'standard',
  'aside',
  'chat',
  'gallery',
  'link',
  'image',
  'quote',
  'status',
  'video',
  'audio',
] as const;

const WRITE_ARGS = {
  date: {
    type: ['string', 'null'],
    format: 'date-time',
    description: "The date the post was published, in the site's timezone.",
  },
  date_gmt: {
    type: ['string', 'null'],
    format: 'date-time',
    description: 'The date the post was published, as GMT.',
  },
  slug: {
    type: 'string',
    description: 'An alphanumeric identifier for the post unique to its type.',
  },
  status: {
    type: 'string',
    enum: WRITABLE_STATUSES,
    description: 'A named status for the post.',
  },
  password: {
    type: 'string',
    maxLength: 255,
    description: 'A password to protect access to the content and excerpt.',
  },
  author: { type: 'integer', description: 'The ID for the author of the post.' },
  featured_media: { type: 'integer', description: 'The ID of the featured media for the post.' },
  comment_status: { type: 'string', enum: ['open', 'closed'] },
  ping_status: { type: 'string', enum: ['open', 'closed'] },
  meta: { type: 'object', description: 'Meta fields.' },
  template: {
    type: 'string',
    enum: [''],
    description: 'The theme file to use to display the post.',
  },
} as const satisfies ArgSpecs;

const POST_WRITE_ARGS = {
  format: { type: 'string', enum: FORMATS, description: 'The format for the post.' },
  sticky: {
    type: 'boolean',
    description: 'Whether or not the post should be treated as sticky.',
  },
  categories: { type: 'array', items: { type: 'integer' } },
  tags: { type: 'array', items: { type: 'integer' } },
} as const satisfies ArgSpecs;

const PAGE_WRITE_ARGS = {
  parent: { type: 'integer', description: 'The ID for the parent of the post.' },
  menu_order: {
    type: 'integer',
    description: 'The order of the post in relation to other posts.',
    minimum: -MAX_DB_INT,
    maximum: MAX_DB_INT,
  },
} as const satisfies ArgSpecs;

/** The shared fields, then the post's or the page's own (absent, so undefined, for the other). */
function writeArgs(type: PostType) {
  const own: Partial<typeof POST_WRITE_ARGS & typeof PAGE_WRITE_ARGS> =
    type === 'post' ? POST_WRITE_ARGS : PAGE_WRITE_ARGS;
  return { ...WRITE_ARGS, ...own };
}

const POST_ORDERBY = [
  'author',
  'date',
  'id',
  'include',
  'modified',
  'parent',
  'relevance',
  'slug',
  'include_slugs',
  'title',
] as const satisfies readonly PostOrderBy[];
const PAGE_ORDERBY = [...POST_ORDERBY, 'menu_order'] as const satisfies readonly PostOrderBy[];

const POST_LIST_ARGS = {
  categories: { type: 'array', items: { type: 'integer' }, default: [] },
  categories_exclude: { type: 'array', items: { type: 'integer' }, default: [] },
  tags: { type: 'array', items: { type: 'integer' }, default: [] },
  tags_exclude: { type: 'array', items: { type: 'integer' }, default: [] },
  sticky: { type: 'boolean' },
} as const satisfies ArgSpecs;

const PAGE_LIST_ARGS = {
  menu_order: { type: 'integer', minimum: -MAX_DB_INT, maximum: MAX_DB_INT },
  parent: { type: 'array', items: { type: 'integer' }, default: [] },
  parent_exclude: { type: 'array', items: { type: 'integer' }, default: [] },
} as const satisfies ArgSpecs;

function listArgs(type: PostType) {
  const own: Partial<typeof POST_LIST_ARGS & typeof PAGE_LIST_ARGS> =
    type === 'post' ? POST_LIST_ARGS : PAGE_LIST_ARGS;
  return {
    ...CONTEXT_ARG,
    ...PAGING_ARGS,
    after: { type: 'string', format: 'date-time' },
    modified_after: { type: 'string', format: 'date-time' },
    before: { type: 'string', format: 'date-time' },
    modified_before: { type: 'string', format: 'date-time' },
    author: { type: 'array', items: { type: 'integer' }, default: [] },
    author_exclude: { type: 'array', items: { type: 'integer' }, default: [] },
    order: { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
    orderby: {
      type: 'string',
      enum: type === 'page' ? PAGE_ORDERBY : POST_ORDERBY,
      default: 'date',
    },
    status: {
      type: 'array',
      items: { type: 'string', enum: [...POST_STATUSES, 'any'] },
      default: ['publish'],
    },
    ...own,
  } as const satisfies ArgSpecs;
}

const postRef = (post: Post): PostRef => ({
  authorId: post.authorId,
  status: post.status,
  type: post.type,
  trashedFrom: post.trashedFrom ?? undefined,
});

/** WordPress's check_read_permission for posts and pages. */
export function canReadPost(user: User | undefined, post: Post): boolean {
  return (
    post.status === 'publish' || callerCan(user, { capability: 'read_post', post: postRef(post) })
  );
}

const invalidId = () => new HttpError(404, 'rest_post_invalid_id', 'Invalid post ID.');

export function registerPostRoutes(ctx: AppContext, registry: RestRegistry, type: PostType): void {
  const site = ctx.config.siteUrl;
  const base = REST_BASE[type];
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
  const writeSpecs = writeArgs(type);
  const listSpecs = listArgs(type);

  const resources = async (req: RestRequest, posts: Post[], context: Context, unlocked = false) => {
    const terms = await termIdsOfPosts(
      ctx.db,
      posts.map((p) => p.id),
    );
    const { timezone } = await readSettings(ctx.db);
    return posts.map((post) =>
      postResource({
        siteUrl: site,
        post,
        categories: terms.get(post.id)?.categories ?? [],
        tags: terms.get(post.id)?.tags ?? [],
        context,
        timeZone: timezone,
        viewer: req.auth.user,
        unlocked: unlocked || context === 'edit',
      }),
    );
  };
  const resource = async (req: RestRequest, post: Post, context: Context, unlocked = false) =>
    (await resources(req, [post], context, unlocked))[0]!;

  /** WordPress's check_assign_terms_permission: every existing term given must be assignable. */
  const mayAssignTerms = async (req: RestRequest): Promise<boolean> => {
    if (type !== 'post') return true;
    for (const [arg, taxonomy] of [
      ['categories', 'category'],
      ['tags', 'post_tag'],
    ] as const) {
      const ids = intList(req.args[arg]);
      if (!ids) continue;
      for (const id of await existingTermIds(ctx.db, taxonomy, ids)) {
        const term = { taxonomy, isDefault: taxonomy === 'category' && id === 1 };
        if (!callerCan(req.auth.user, { capability: 'assign_term', term })) return false;
      }
    }
    return true;
  };

  /** The checks create and update share, after the post-specific one. */
  const writePermission = async (req: RestRequest, verb: 'create' | 'update') => {
    bracketArrayArgs(req, writeSpecs);
    const user = req.auth.user;
    const author = req.args.author;
    if (
      author !== undefined &&
      Number(author) !== user?.id &&
      !typeCan(user, type, 'edit_others_posts')
    )
      return denied(
        req,
        'rest_cannot_edit_others',
        `Sorry, you are not allowed to ${verb} posts as this user.`,
      );
    if (
      type === 'post' &&
      req.args.sticky === true &&
      !typeCan(user, type, 'edit_others_posts') &&
      !typeCan(user, type, 'publish_posts')
    )
      return denied(
        req,
        'rest_cannot_assign_sticky',
        'Sorry, you are not allowed to make posts sticky.',
      );
    return true;
  };

  const statusAllowed = (req: RestRequest, status: PostStatus) => {
    if (status === 'draft' || status === 'pending') return;
    if (typeCan(req.auth.user, type, 'publish_posts')) return;
    throw denied(
      req,
      'rest_cannot_publish',
      status === 'private'
        ? 'Sorry, you are not allowed to create private posts in this post type.'
        : 'Sorry, you are not allowed to publish posts in this post type.',
    );
  };

  /** WordPress's prepare_item_for_database: request fields to changes, checked. */
  const prepare = async (
    req: RestRequest<ArgValues<typeof writeSpecs>>,
    existing: Post | undefined,
  ): Promise<PostChanges> => {
    const user = signedIn(req);
    const { timezone } = await readSettings(ctx.db);
    const changes: PostChanges = {};
    const title = textArg(req, 'title');
    if (title !== undefined) changes.title = cleanPostTitle(user, title);
    const content = textArg(req, 'content');
    if (content !== undefined) changes.content = cleanPostHtml(user, content);
    const excerpt = textArg(req, 'excerpt');
    if (excerpt !== undefined) changes.excerpt = cleanPostHtml(user, excerpt);
    const { status } = req.args;
    if (status !== undefined) {
      statusAllowed(req, status);
      changes.status = status;
    }
    const password = stringArg(req, 'password');
    if (password !== undefined) changes.password = password;
    const sticky = type === 'post' ? req.args.sticky : undefined;
    if (sticky !== undefined) changes.sticky = sticky;
    if (req.args.author !== undefined) changes.authorId = req.args.author;
    const date = dateArg(req, 'date', timezone);
    const dateGmt = dateArg(req, 'date_gmt', 'UTC');
    if (date !== undefined) changes.date = date;
    else if (dateGmt !== undefined) changes.date = dateGmt;
    const slug = stringArg(req, 'slug');
    if (slug !== undefined) changes.slug = slug;
    if (type === 'page' && req.args.parent !== undefined) changes.parent = req.args.parent;
    if (type === 'page' && req.args.menu_order !== undefined)
      changes.menuOrder = req.args.menu_order;
    if (req.args.comment_status !== undefined) changes.commentStatus = req.args.comment_status;
    if (req.args.ping_status !== undefined) changes.pingStatus = req.args.ping_status;
    if (type === 'post' && req.args.format !== undefined) changes.format = req.args.format;
    if (req.args.featured_media !== undefined) changes.featuredMedia = req.args.featured_media;
    if (type === 'post') {
      if (Array.isArray(req.args.categories)) changes.categories = req.args.categories.map(Number);
      if (Array.isArray(req.args.tags)) changes.tags = req.args.tags.map(Number);
    }
    // The content rules decide (author, parent, featured image, sticky vs password, emptiness);
    // their refusals carry WordPress's REST codes through errors/wire.ts.
    await checkPostWrite(ctx.db, type, changes, existing, user);
    return changes;
  };

  registry.register({
    namespace: 'wp/v2',
    tier: 'content',
    route: `/${base}`,
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: listSpecs,
        permission: (req) => {
          bracketArrayArgs(req, listSpecs);
          const user = req.auth.user;
          const statuses = stringList(req.args.status) ?? ['publish'];
          for (const status of statuses) {
            if (status === 'publish') continue;
            const ok =
              typeCan(user, type, 'edit_posts') ||
              (status === 'private' && typeCan(user, type, 'read_private_posts'));
            if (!ok) return denied(req, 'rest_forbidden_status', 'Status is forbidden.');
          }
          if (contextOf(req) === 'edit' && !typeCan(user, type, 'edit_posts'))
            return denied(
              req,
              'rest_forbidden_context',
              'Sorry, you are not allowed to edit posts in this post type.',
            );
          return true;
        },
        handler: async (req) => {
          const { timezone } = await readSettings(ctx.db);
          const orderBy: PostOrderBy = req.args.orderby;
          if (orderBy === 'relevance' && !req.args.search)
            throw new HttpError(
              400,
              'rest_no_search_term_defined',
              'You need to define a search term to order by relevance.',
            );
          if (orderBy === 'include' && !intList(req.args.include))
            throw new HttpError(
              400,
              'rest_orderby_include_missing_include',
              'You need to define an include parameter to order by include.',
            );
          const requested = req.args.status;
          const statuses: PostStatus[] = requested.includes('any')
            ? POST_STATUSES.filter((s) => s !== 'trash')
            : requested.filter((s) => s !== 'any');
          const { page, per_page: perPage } = req.args;
          const when = (name: string) => dateArg(req, name, timezone) ?? undefined;
          await publishDuePosts(ctx.db, ctx.now());
          const { posts, total } = await listPosts(ctx.db, {
            type,
            statuses,
            reader: readerOf(req.auth.user, type),
            page,
            perPage,
            offset: req.args.offset,
            search: stringArg(req, 'search') || undefined,
            authors: intList(req.args.author),
            authorsExclude: intList(req.args.author_exclude),
            include: intList(req.args.include),
            exclude: intList(req.args.exclude),
            slugs: stringList(req.args.slug),
            ...(type === 'post' && {
              categories: intList(req.args.categories),
              categoriesExclude: intList(req.args.categories_exclude),
              tags: intList(req.args.tags),
              tagsExclude: intList(req.args.tags_exclude),
            }),
            ...(type === 'post'
              ? { sticky: req.args.sticky }
              : {
                  parents: intList(req.args.parent),
                  parentsExclude: intList(req.args.parent_exclude),
                  menuOrder: req.args.menu_order,
                }),
            before: when('before'),
            after: when('after'),
            modifiedBefore: when('modified_before'),
            modifiedAfter: when('modified_after'),
            orderBy,
            order: req.args.order,
          });
          const maxPages = Math.ceil(total / perPage);
          if (page > maxPages && total > 0)
            throw new HttpError(
              400,
              'rest_post_invalid_page_number',
              'The page number requested is larger than the number of pages available.',
            );
          return {
            body: await resources(req, posts, contextOf(req)),
            headers: collectionHeaders(req, `wp/v2/${base}`, page, perPage, total),
          };
        },
      }),
      restEndpoint({
        methods: ['POST'],
        args: writeSpecs,
        permission: async (req) => {
          if (req.args.id !== undefined)
            return new HttpError(400, 'rest_post_exists', 'Cannot create existing post.');
          const shared = await writePermission(req, 'create');
          if (shared !== true) return shared;
          if (!typeCan(req.auth.user, type, 'create_posts'))
            return denied(
              req,
              'rest_cannot_create',
              'Sorry, you are not allowed to create posts as this user.',
            );
          if (!(await mayAssignTerms(req)))
            return denied(
              req,
              'rest_cannot_assign_term',
              'Sorry, you are not allowed to assign the provided terms.',
            );
          return true;
        },
        handler: async (req) => {
          const user = signedIn(req);
          const changes = await prepare(req, undefined);
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
            body: await resource(req, post, 'edit'),
            headers: { location: `${site}/wp-json/wp/v2/${base}/${post.id}` },
          };
        },
      }),
    ],
  });

  const idArg = {
    id: { type: 'integer', description: 'Unique identifier for the post.' },
  } satisfies ArgSpecs;

  registry.register({
    namespace: 'wp/v2',
    tier: 'content',
    route: `/${base}/(?P<id>[\\d]+)`,
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: {
          ...idArg,
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
          const unlocked =
            typeof req.args.password === 'string' && req.args.password === post.password;
          return { body: await resource(req, post, contextOf(req), unlocked) };
        },
      }),
      restEndpoint({
        methods: ['POST', 'PUT', 'PATCH'],
        args: { ...idArg, ...writeSpecs },
        permission: async (req) => {
          const post = await loadPost(req, idOf(req));
          if (!post) return invalidId();
          if (!callerCan(req.auth.user, { capability: 'edit_post', post: postRef(post) }))
            return denied(req, 'rest_cannot_edit', 'Sorry, you are not allowed to edit this post.');
          const shared = await writePermission(req, 'update');
          if (shared !== true) return shared;
          if (!(await mayAssignTerms(req)))
            return denied(
              req,
              'rest_cannot_assign_term',
              'Sorry, you are not allowed to assign the provided terms.',
            );
          return true;
        },
        handler: async (req) => {
          const post = await requirePost(req);
          const changes = await prepare(req, post);
          const updated = await updatePost(ctx.db, post, changes, ctx.now());
          return { body: await resource(req, updated, 'edit') };
        },
      }),
      restEndpoint({
        methods: ['DELETE'],
        args: {
          ...idArg,
          force: {
            type: 'boolean',
            default: false,
            description: 'Whether to bypass Trash and force deletion.',
          },
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
            const previous = await resource(req, post, 'edit');
            await deletePost(ctx.db, post);
            return { body: { deleted: true, previous } };
          }
          if (post.status === 'trash')
            throw new HttpError(410, 'rest_already_trashed', 'The post has already been deleted.');
          const trashed = await trashPost(ctx.db, post, ctx.now());
          return { body: await resource(req, trashed, 'edit') };
        },
      }),
    ],
  });
}
