import { listMedia } from '../../../../content/index.js';
import type { AppContext } from '../../../../context.js';
import { readSettings } from '../../../../settings/index.js';
import { HttpError } from '../../../errors.js';
import type { ArgValues } from '../../args.js';
import type { RestRequest } from '../../registry.js';
import { dateArg, intList, stringArg, stringList } from '../argReaders.js';
import { readerOf } from '../callerAccess.js';
import type { LIST_SPECS } from './specs.js';

/** The list request as a query: one page of the attachments the caller may read. */
export async function queryMedia(ctx: AppContext, req: RestRequest<ArgValues<typeof LIST_SPECS>>) {
  const { timezone } = await readSettings(ctx.db);
  const { page, per_page: perPage, orderby: orderBy } = req.args;
  if (orderBy === 'include' && !intList(req.args.include))
    throw new HttpError(
      400,
      'rest_orderby_include_missing_include',
      'You need to define an include parameter to order by include.',
    );
  // Attachments here are never private or trashed.
  const { media, total } = req.args.status.includes('inherit')
    ? await listMedia(ctx.db, {
        reader: {
          ...readerOf(req.auth.user, 'post'),
          readPrivatePages: readerOf(req.auth.user, 'page').readPrivate,
          editOthersPages: readerOf(req.auth.user, 'page').editOthers,
        },
        page,
        perPage,
        offset: req.args.offset,
        search: stringArg(req, 'search') || undefined,
        authors: intList(req.args.author),
        authorsExclude: intList(req.args.author_exclude),
        include: intList(req.args.include),
        exclude: intList(req.args.exclude),
        slugs: stringList(req.args.slug),
        parents: intList(req.args.parent),
        parentsExclude: intList(req.args.parent_exclude),
        mediaType: req.args.media_type,
        mimeType: stringArg(req, 'mime_type'),
        before: dateArg(req, 'before', timezone) ?? undefined,
        after: dateArg(req, 'after', timezone) ?? undefined,
        orderBy: orderBy === 'relevance' || orderBy === 'include_slugs' ? 'date' : orderBy,
        order: req.args.order,
      })
    : { media: [], total: 0 };
  if (page > Math.ceil(total / perPage) && total > 0)
    throw new HttpError(
      400,
      'rest_post_invalid_page_number',
      'The page number requested is larger than the number of pages available.',
    );
  return { media, total, page, perPage };
}
