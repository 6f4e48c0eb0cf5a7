import type { Kysely } from 'kysely';
import { can, findUserById, type User } from '../accounts/index.js';
import type { Database } from '../store/index.js';
import { ContentError } from './errors.js';
import { isDbId } from './ids.js';
import { findMedia } from './media.js';
import { ancestorIds, findPost, type Post, type PostChanges, type PostType } from './posts.js';
import { sanitizePostHtml, sanitizeTitleHtml } from './sanitizeHtml.js';

/**
 * The rules of writing a post or page, in one place: REST and XML-RPC only turn their fields
 * into `PostChanges`, ask these, and phrase the refusal their own way (errors/wire.ts).
 */

/** A title as stored: HTML from users without `unfiltered_html` is sanitised (SPEC §9). */
export function cleanPostTitle(author: User, text: string): string {
  return can(author, 'unfiltered_html') ? text : sanitizeTitleHtml(text);
}

/** Content or an excerpt as stored, by the same rule. */
export function cleanPostHtml(author: User, text: string): string {
  return can(author, 'unfiltered_html') ? text : sanitizePostHtml(text);
}

/**
 * Checks changes against what exists: the author is a user, a page's parent is a page that is
 * not itself or below it, the featured image exists, a post is not both sticky and password
 * protected, and a post (not a page) keeps a title, content or excerpt.
 */
export async function checkPostWrite(
  db: Kysely<Database>,
  type: PostType,
  changes: PostChanges,
  existing: Post | undefined,
  actor: User,
): Promise<void> {
  const author = changes.authorId;
  if (author !== undefined && author !== actor.id) {
    if (!isDbId(author) || !(await findUserById(db, author)))
      throw new ContentError('invalid_author', 'Invalid author ID.');
  }
  if (type === 'page' && changes.parent !== undefined && changes.parent !== 0) {
    const parent = changes.parent;
    const target = isDbId(parent) ? await findPost(db, parent) : undefined;
    const loops =
      existing && (parent === existing.id || (await ancestorIds(db, parent)).includes(existing.id));
    if (!target || target.type !== type || loops)
      throw new ContentError('invalid_post_parent', 'Invalid post parent ID.');
  }
  const media = changes.featuredMedia;
  if (media !== undefined && media !== 0 && !(isDbId(media) && (await findMedia(db, media))))
    throw new ContentError('invalid_featured_media', 'Invalid featured media ID.');
  if (type === 'post') checkStickyPassword(changes, existing);
  if (type === 'post') {
    const final = (key: 'title' | 'content' | 'excerpt') => changes[key] ?? existing?.[key] ?? '';
    if (final('title') === '' && final('content') === '' && final('excerpt') === '')
      throw new ContentError('empty_content', 'Content, title, and excerpt are empty.');
  }
}

/**
 * WordPress keeps sticky posts public: a change may not make a post both sticky and password
 * protected. Only a change that sets one of them is judged, as WordPress does, so a post that
 * is already both (imported from WordPress, which lets XML-RPC write it) can still be edited.
 */
function checkStickyPassword(changes: PostChanges, existing: Post | undefined): void {
  const setsSticky = changes.sticky === true;
  const setsPassword = changes.password !== undefined && changes.password !== '';
  if (!setsSticky && !setsPassword) return;
  const sticky = changes.sticky ?? existing?.sticky ?? false;
  const password = changes.password ?? existing?.password ?? '';
  if (!sticky || password === '') return;
  // Say which change broke the rule, as WordPress's REST API does.
  const message =
    changes.sticky === true && changes.password !== undefined
      ? 'A post can not be sticky and have a password.'
      : changes.password !== undefined
        ? 'A sticky post can not be password protected.'
        : 'A password protected post can not be set to sticky.';
  throw new ContentError('sticky_password', message);
}
