import type { FastifyInstance } from 'fastify';
import { publishDuePosts, recentPublishedPosts } from '../../content/index.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../errors.js';
import { html } from '../html.js';
import { apiRoot } from '../rest/dispatch.js';
import { readSettings } from '../../settings/index.js';
import { postSummary, queriedContent, sendPostPage } from './content.js';
import { sendPage } from './render.js';

/** How many posts the front page lists. */
const FRONT_PAGE_POSTS = 10;

/**
 * The public site: what WordPress clients fetch first to discover the API, the recent posts,
 * and `/?p=`, `/?page_id=`, `/?attachment_id=` (WordPress's plain links).
 */
export function registerHomePage(app: FastifyInstance, ctx: AppContext): void {
  app.get('/', async (request, reply) => {
    const settings = await readSettings(ctx.db);
    const root = apiRoot(ctx);
    reply.header('link', `<${root}>; rel="https://api.w.org/"`);
    const queried = await queriedContent(ctx, request.query as Record<string, unknown>);
    if (queried === 'missing')
      throw new HttpError(404, 'latchkey_not_found', 'There is nothing at this address.');
    if (queried && 'redirect' in queried) return reply.redirect(queried.redirect, 301);
    if (queried) return sendPostPage(ctx, request, reply, queried.post);
    await publishDuePosts(ctx.db, ctx.now());
    const posts = await recentPublishedPosts(ctx.db, FRONT_PAGE_POSTS);
    const head = html`<link rel="https://api.w.org/" href="${root}">
<link rel="EditURI" type="application/rsd+xml" title="RSD" href="${ctx.config.siteUrl}/xmlrpc.php?rsd">`;
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'Home', head },
      () =>
        html` <h1>${settings.title}</h1>
          <p class="muted">${settings.description}</p>
          ${
            posts.length === 0
              ? html`<p>No posts yet.</p>`
              : posts.map((post) => postSummary(ctx.config.siteUrl, post, settings.timezone))
          }`,
    );
  });
}
