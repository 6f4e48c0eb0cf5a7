import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { safeRedirectTarget } from '../../sessions/index.js';
import { html } from '../html.js';
import { sendPage } from '../pages/render.js';
import { matchService, serviceDirectoryOf } from '../../services/index.js';

/**
 * Which absolute URLs sign-in may send a browser back to besides the site's own: those on a
 * host (and path) of a registered service (SPEC §11), nothing else.
 */
export async function serviceUrlCheck(ctx: AppContext): Promise<(url: URL) => boolean> {
  const services = await serviceDirectoryOf(ctx.db, ctx.invalidation).current();
  return (url) => matchService(services, { host: url.host, path: url.pathname }) !== undefined;
}

/**
 * Where a sign-in form's answer sends the browser. A registered service's URL (the only absolute
 * URL that survives safeRedirectTarget) goes through /login/continue: the pages' CSP has
 * `form-action 'self'`, which browsers also apply to a form's redirects, so the cross-origin
 * step has to be a navigation of its own.
 */
export function afterSignIn(target: string): string {
  return target.startsWith('/') ? target : `/login/continue?to=${encodeURIComponent(target)}`;
}

/** `/login/continue`: a page that moves on to a registered service's URL (and nowhere else). */
export function registerSignInContinuation(app: FastifyInstance, ctx: AppContext): void {
  app.get('/login/continue', async (request, reply) => {
    const to = safeRedirectTarget(
      (request.query as Record<string, unknown>).to,
      ctx.config.siteUrl,
      '/account',
      await serviceUrlCheck(ctx),
    );
    if (to.startsWith('/')) return reply.redirect(to, 302);
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'Signed in', head: html`<meta http-equiv="refresh" content="0;url=${to}">` },
      () => html`<h1>You are signed in</h1>
        <p><a href="${to}" id="continue">Continue to ${new URL(to).host}</a></p>`,
    );
  });
}
