import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findUserById } from '../../accounts/index.js';
import {
  autop,
  findMedia,
  findMediaByFile,
  findPost,
  findPublishedBySlug,
  htmlToText,
  humanDate,
  postPath,
  publishDuePosts,
  renderExcerpt,
  sanitizeSlug,
  uploadsDirectory,
  type Post,
} from '../../content/index.js';
import { readSettings } from '../../settings/index.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../errors.js';
import { html, raw, type Html } from '../html.js';
import { sourceUrl } from '../rest/content/mediaShape.js';
import { sendPage } from './render.js';

const notFound = () =>
  new HttpError(404, 'latchkey_not_found', 'There is nothing at this address.');

/**
 * Post HTML is stored sanitised for everyone without `unfiltered_html` (and the page CSP allows
 * no inline script for the rest), so it goes out as markup.
 */
const postHtml = (markup: string): Html => raw(markup);

const PROTECTED_NOTICE = html`<p class="muted">This content is password protected.</p>`;

/** One post in a list: title linked, date, excerpt. */
export function postSummary(siteUrl: string, post: Post, timeZone: string): Html {
  return html`<article class="post-summary">
    <h2><a href="${siteUrl}${postPath(post)}">${postHtml(post.title || '(no title)')}</a></h2>
    <p class="muted"><time datetime="${new Date(post.date).toISOString()}">${humanDate(post.date, timeZone)}</time></p>
    ${post.password ? PROTECTED_NOTICE : postHtml(renderExcerpt(post.excerpt, post.content))}
  </article>`;
}

/** A published post or page on its own page. */
export async function sendPostPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  post: Post,
): Promise<FastifyReply> {
  const { timezone } = await readSettings(ctx.db);
  const author = await findUserById(ctx.db, post.authorId);
  const site = ctx.config.siteUrl;
  const rest = `${site}/wp-json/wp/v2/${post.type === 'page' ? 'pages' : 'posts'}/${post.id}`;
  const head = html`<link rel="canonical" href="${site}${postPath(post)}">
<link rel="alternate" type="application/json" href="${rest}">`;
  return sendPage(
    ctx,
    request,
    reply,
    { title: htmlToText(post.title) || '(no title)', head },
    () =>
      html`<article class="post">
        <h1>${postHtml(post.title || '(no title)')}</h1>
        ${
          post.type === 'post'
            ? html`<p class="muted"><time datetime="${new Date(post.date).toISOString()}">${humanDate(post.date, timezone)}</time>${author ? html` · ${author.displayName}` : ''}</p>`
            : ''
        }
        ${post.password ? PROTECTED_NOTICE : postHtml(autop(post.content))}
      </article>`,
  );
}

/**
 * What `/?p=`, `/?page_id=` and `/?attachment_id=` name: a published post or page, or the file
 * of an attachment. Undefined when the query names none of these (the front page then).
 */
export async function queriedContent(
  ctx: AppContext,
  query: Record<string, unknown>,
): Promise<{ post: Post } | { redirect: string } | 'missing' | undefined> {
  const id = (name: string) => {
    const value = query[name];
    if (value === undefined) return undefined;
    return typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : 0;
  };
  const attachment = id('attachment_id');
  if (attachment !== undefined) {
    const media = await findMedia(ctx.db, attachment);
    if (!media) return 'missing';
    const parent = media.postId > 0 ? await findPost(ctx.db, media.postId) : undefined;
    if (parent && parent.status !== 'publish') return 'missing';
    return { redirect: sourceUrl(ctx.config.siteUrl, media) };
  }
  const postId = id('p') ?? id('page_id');
  if (postId === undefined) return undefined;
  const type = query.p !== undefined ? 'post' : 'page';
  await publishDuePosts(ctx.db, ctx.now());
  const post = await findPost(ctx.db, postId);
  // Drafts, pending, scheduled, private and trashed posts are not public.
  if (!post || post.type !== type || post.status !== 'publish') return 'missing';
  return { post };
}

/** The public pages of posts and pages (`/%postname%/`) and the uploaded files. */
export function registerContentPages(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { slug: string } }>('/:slug/', async (request, reply) => {
    await publishDuePosts(ctx.db, ctx.now());
    const post = await findPublishedBySlug(ctx.db, sanitizeSlug(request.params.slug));
    if (!post) throw notFound();
    return sendPostPage(ctx, request, reply, post);
  });

  const uploads = uploadsDirectory(ctx.config.dataDir);
  app.get<{ Params: { year: string; month: string; name: string } }>(
    '/wp-content/uploads/:year/:month/:name',
    async (request, reply) => {
      const { year, month, name } = request.params;
      if (
        !/^\d{4}$/.test(year) ||
        !/^\d{2}$/.test(month) ||
        !/^[\p{L}\p{N}_-][\p{L}\p{N}._-]*$/u.test(name)
      )
        throw notFound();
      const media = await findMediaByFile(ctx.db, `${year}/${month}/${name}`);
      if (!media) throw notFound();
      let bytes: Buffer;
      try {
        bytes = await readFile(path.join(uploads, media.file));
      } catch {
        throw notFound();
      }
      // The type is the one chosen at upload, never sniffed; the sandbox keeps any file from
      // running as a page of this site even if a browser tried.
      return reply
        .header('content-type', media.mimeType)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', 'sandbox')
        .header('cache-control', 'public, max-age=86400')
        .send(bytes);
    },
  );
}
