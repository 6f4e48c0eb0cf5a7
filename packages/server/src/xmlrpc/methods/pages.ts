import { listPosts, POST_STATUSES, type Post } from '../../content/index.js';
import { notFound, notPermitted } from '../faults.js';
import {
  BLOG_USER_PASS,
  SECOND_USER_PASS,
  intParam,
  optionalIntParam,
  structParam,
  truthy,
  type AuthenticatedCall,
  type MethodTable,
} from '../method.js';
import { canDeletePost, canEditPost, pageStruct, readerOf, typeCan, usersById } from '../shapes.js';
import { newStruct, XmlRpcDateTime, type XmlRpcValue } from '../values.js';
import { saveMetaWeblogPost } from '../writes.js';
import { deleteOrTrash, loadPost, shapeContext } from './posts.js';

const noSuchPage = () => notFound('Sorry, no such page.');

async function requirePage(call: AuthenticatedCall, id: number): Promise<Post> {
  const page = await loadPost(call.ctx, id);
  if (!page || page.type !== 'page') throw noSuchPage();
  return page;
}

async function pageShapes(call: AuthenticatedCall, pages: Post[]): Promise<XmlRpcValue[]> {
  const s = await shapeContext(call.ctx);
  const authors = await usersById(
    call.ctx,
    pages.map((p) => p.authorId),
  );
  const parents = new Map<number, Post | undefined>();
  for (const page of pages)
    if (page.parent > 0 && !parents.has(page.parent))
      parents.set(page.parent, await loadPost(call.ctx, page.parent));
  return pages.map((p) => pageStruct(p, authors.get(p.authorId), parents.get(p.parent), s));
}

const NOT_TRASHED = POST_STATUSES.filter((s) => s !== 'trash');

/** Pages the caller may read (all but the trash), in id order. */
async function readablePages(call: AuthenticatedCall, limit: number): Promise<Post[]> {
  const out: Post[] = [];
  for (let page = 1; out.length < limit; page++) {
    const { posts, total } = await listPosts(call.ctx.db, {
      type: 'page',
      statuses: NOT_TRASHED,
      reader: readerOf(call.principal.user, 'page'),
      page,
      perPage: 100,
      orderBy: 'id',
      order: 'asc',
    });
    out.push(...posts);
    if (page * 100 >= total || posts.length === 0) break;
  }
  return out.slice(0, limit);
}

const requireEditPages = (call: AuthenticatedCall) => {
  if (!typeCan(call.principal.user, 'page', 'edit_posts'))
    throw notPermitted('Sorry, you are not allowed to edit pages.');
};

/** WordPress's page methods (`wp.getPage`, `wp.newPage`, …). */
export const pageMethods: MethodTable = {
  'wp.getPage': {
    tier: 'content',
    credentials: SECOND_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const page = await requirePage(call, intParam(call, 1, 'page_id'));
      if (!canEditPost(call.principal.user, page))
        throw notPermitted('Sorry, you are not allowed to edit this page.');
      return (await pageShapes(call, [page]))[0]!;
    },
  },
  'wp.getPages': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      const count = optionalIntParam(call, 3, 'num_pages') ?? 10;
      requireEditPages(call);
      const user = call.principal.user;
      const pages = (await readablePages(call, 1000)).filter((p) => canEditPost(user, p));
      return pageShapes(call, pages.slice(0, Math.max(0, count)));
    },
  },
  'wp.getPageList': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      requireEditPages(call);
      const s = await shapeContext(call.ctx);
      return (await readablePages(call, 10_000)).map((p) =>
        Object.assign(newStruct(), {
          page_id: String(p.id),
          page_title: p.title,
          page_parent_id: String(p.parent),
          dateCreated: XmlRpcDateTime.local(p.date, s.timeZone),
          date_created_gmt: XmlRpcDateTime.gmt(p.date),
        }),
      );
    },
  },
  'wp.newPage': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const struct = structParam(call, 3, 'content_struct');
      const page = await saveMetaWeblogPost(
        call.ctx,
        call.principal.user,
        struct,
        truthy(call.params[4]),
        { type: 'page' },
      );
      return String(page.id);
    },
  },
  'wp.editPage': {
    tier: 'content',
    credentials: SECOND_USER_PASS,
    minArgs: 5,
    handler: async (call) => {
      const page = await requirePage(call, intParam(call, 1, 'page_id'));
      if (!canEditPost(call.principal.user, page))
        throw notPermitted('Sorry, you are not allowed to edit this post.');
      const struct = structParam(call, 4, 'content');
      await saveMetaWeblogPost(call.ctx, call.principal.user, struct, truthy(call.params[5]), {
        type: 'page',
        existing: page,
      });
      return true;
    },
  },
  'wp.deletePage': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const page = await requirePage(call, intParam(call, 3, 'page_id'));
      if (!canDeletePost(call.principal.user, page))
        throw notPermitted('Sorry, you are not allowed to delete this page.');
      await deleteOrTrash(call.ctx, page);
      return true;
    },
  },
};
