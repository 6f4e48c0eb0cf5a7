import {
  listPosts,
  POST_STATUSES,
  publishDuePosts,
  type PostOrderBy,
  type PostStatus,
  type PostType,
} from '../../../../content/index.js';
import type { AppContext } from '../../../../context.js';
import { readSettings } from '../../../../settings/index.js';
import { HttpError } from '../../../errors.js';
import type { ArgValues } from '../../args.js';
import type { RestRequest } from '../../registry.js';
import { dateArg, intList, stringArg, stringList } from '../argReaders.js';
import { readerOf } from '../callerAccess.js';
import type { listArgs } from './specs.js';

export type PostListRequest = RestRequest<ArgValues<ReturnType<typeof listArgs>>>;

/** WordPress's refusals of an ordering that the rest of the query cannot support. */
function assertOrderable(req: PostListRequest): PostOrderBy {
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
  return orderBy;
}

/** The list request as a query: one page of the posts (or pages) the caller may read. */
export async function queryPosts(ctx: AppContext, type: PostType, req: PostListRequest) {
  const { timezone } = await readSettings(ctx.db);
  const orderBy = assertOrderable(req);
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
  return { posts, total, page, perPage };
}
