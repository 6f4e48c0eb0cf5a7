import type { FastifyInstance } from 'fastify';
import { csrfTokenForSession } from '../../../sessions/index.js';
import { sessionOf } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';

/** `wp-login.php?action=…` and where each goes here (the rest of the query is kept). */
const WORDPRESS_ACTIONS: Record<string, string> = {
  lostpassword: '/login/lost-password',
  retrievepassword: '/login/lost-password',
  rp: '/login/reset-password',
  resetpass: '/login/reset-password',
  register: '/register',
};

/** The sign-in addresses WordPress clients know: wp-login.php and the REST nonce endpoint. */
export function registerWordpressSignInAddresses(app: FastifyInstance, ctx: AppContext): void {
  // WordPress clients and habits: the old sign-in address keeps working, and so do its
  // actions for a lost password, the reset link and registration (SPEC §12).
  app.all('/wp-login.php', async (request, reply) => {
    const q = request.url.indexOf('?');
    const params = new URLSearchParams(q >= 0 ? request.url.slice(q + 1) : '');
    const action = params.get('action') ?? '';
    const target = Object.hasOwn(WORDPRESS_ACTIONS, action) ? WORDPRESS_ACTIONS[action] : undefined;
    if (target) {
      params.delete('action');
      const rest = params.toString();
      return reply.redirect(`${target}${rest ? `?${rest}` : ''}`, 302);
    }
    return reply.redirect(`/login${q >= 0 ? request.url.slice(q) : ''}`, 302);
  });

  // The REST nonce for a signed-in browser (WordPress: admin-ajax.php?action=rest-nonce).
  app.get('/wp-admin/admin-ajax.php', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const signedIn = await sessionOf(ctx, request);
    reply
      .header('content-type', 'text/html; charset=UTF-8')
      .header('cache-control', 'no-cache, must-revalidate, max-age=0');
    if (query.action !== 'rest-nonce' || !signedIn) return reply.code(400).send('0');
    return reply.send(csrfTokenForSession(ctx.keys, signedIn.session.id));
  });
}
