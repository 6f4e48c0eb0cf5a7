import {
  checkPostWrite,
  cleanPostHtml,
  cleanPostTitle,
  type Post,
  type PostChanges,
  type PostType,
} from '../../../../content/index.js';
import type { AppContext } from '../../../../context.js';
import { readSettings } from '../../../../settings/index.js';
import type { ArgValues } from '../../args.js';
import { signedIn, type RestRequest } from '../../registry.js';
import { dateArg, stringArg, textArg } from '../argReaders.js';
import { assertStatusAllowed } from './postAccess.js';
import type { writeArgs } from './specs.js';

export type PostWriteRequest = RestRequest<ArgValues<ReturnType<typeof writeArgs>>>;

/** WordPress's prepare_item_for_database: request fields to changes, checked. */
export async function prepare(
  ctx: AppContext,
  type: PostType,
  req: PostWriteRequest,
  existing: Post | undefined,
): Promise<PostChanges> {
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
    assertStatusAllowed(req, type, status);
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
  if (type === 'page' && req.args.menu_order !== undefined) changes.menuOrder = req.args.menu_order;
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
}
