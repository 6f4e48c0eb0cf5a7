import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { html } from '../html.js';
import { apiRoot } from '../rest/dispatch.js';
import { readSettings } from '../../settings/index.js';
import { sendPage } from './render.js';

/** The public site: what WordPress clients fetch first to discover the API. */
export function registerHomePage(app: FastifyInstance, ctx: AppContext): void {
  app.get('/', async (request, reply) => {
    const settings = await readSettings(ctx.db);
    const root = apiRoot(ctx);
    reply.header('link', `<${root}>; rel="https://api.w.org/"`);
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
          <p>No posts yet.</p>`,
    );
  });
}
