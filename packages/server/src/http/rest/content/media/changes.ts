import { findUserById, type User } from '../../../../accounts/index.js';
import {
  htmlToText,
  isDbId,
  sanitizePostHtml,
  sanitizeTitleHtml,
  type Media,
  type MediaChanges,
} from '../../../../content/index.js';
import type { AppContext } from '../../../../context.js';
import { readSettings } from '../../../../settings/index.js';
import { HttpError } from '../../../errors.js';
import type { RestRequest } from '../../registry.js';
import { dateArg, stringArg, textArg } from '../argReaders.js';
import { callerCan } from '../callerAccess.js';
import { mediaResource } from '../mediaShape.js';
import type { Context } from '../resourceContext.js';

/** Media as a REST resource, in the site's time zone. */
export async function mediaResourceOf(
  ctx: AppContext,
  req: RestRequest,
  media: Media,
  context: Context,
) {
  const { timezone } = await readSettings(ctx.db);
  return mediaResource({
    siteUrl: ctx.config.siteUrl,
    media,
    context,
    timeZone: timezone,
    viewer: req.auth.user,
  });
}

/** Request fields to media changes; HTML is sanitised unless the user has unfiltered_html. */
export async function changesOf(
  ctx: AppContext,
  req: RestRequest,
  user: User,
): Promise<MediaChanges> {
  const { timezone } = await readSettings(ctx.db);
  const unfiltered = callerCan(user, 'unfiltered_html');
  const changes: MediaChanges = {};
  const title = textArg(req, 'title');
  if (title !== undefined) changes.title = unfiltered ? title : sanitizeTitleHtml(title);
  const caption = textArg(req, 'caption');
  if (caption !== undefined) changes.caption = unfiltered ? caption : sanitizePostHtml(caption);
  const description = textArg(req, 'description');
  if (description !== undefined)
    changes.description = unfiltered ? description : sanitizePostHtml(description);
  const alt = stringArg(req, 'alt_text');
  if (alt !== undefined) changes.altText = htmlToText(alt).replace(/\s+/g, ' ').trim();
  const slug = stringArg(req, 'slug');
  if (slug !== undefined) changes.slug = slug;
  if (req.args.comment_status !== undefined)
    changes.commentStatus = String(req.args.comment_status);
  if (req.args.ping_status !== undefined) changes.pingStatus = String(req.args.ping_status);
  if (req.args.post !== undefined && req.args.post !== null) changes.postId = Number(req.args.post);
  if (req.args.author !== undefined) {
    const author = Number(req.args.author);
    if (author !== user.id && (!isDbId(author) || !(await findUserById(ctx.db, author))))
      throw new HttpError(400, 'rest_invalid_author', 'Invalid author ID.');
    changes.authorId = author;
  }
  const date = dateArg(req, 'date', timezone) ?? dateArg(req, 'date_gmt', 'UTC');
  if (date !== undefined && date !== null) changes.date = date;
  return changes;
}
