import type { FastifyInstance } from 'fastify';
import { recordAuditEvent } from '../../../audit/index.js';
import { endSession } from '../../../sessions/index.js';
import { assertFormCsrf, clearSessionCookie, sessionOf } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { html } from '../../html.js';
import { pageOrigin } from '../pageAudit.js';
import { sendPage } from '../render.js';

/** `/logout`: a confirmation page, and the form that ends this session. */
export function registerSignOut(app: FastifyInstance, ctx: AppContext): void {
  app.get('/logout', async (request, reply) => {
    const signedIn = await sessionOf(ctx, request);
    if (!signedIn) return reply.redirect('/login', 302);
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'Sign out', signedIn },
      (csrf) =>
        html` <h1>Sign out</h1>
          <form method="post" action="/logout">
            <input type="hidden" name="_csrf" value="${csrf}" /><button type="submit">
              Sign out now
            </button>
          </form>`,
    );
  });

  app.post('/logout', async (request, reply) => {
    const signedIn = await sessionOf(ctx, request);
    assertFormCsrf(ctx, request, signedIn);
    if (signedIn) {
      await endSession(ctx.db, signedIn.user.id, signedIn.session.id);
      await recordAuditEvent(
        ctx.db,
        {
          event: 'session.ended',
          userId: signedIn.user.id,
          ...pageOrigin(request, signedIn),
          details: { reason: 'logout' },
        },
        ctx.now(),
      );
    }
    clearSessionCookie(ctx, request, reply);
    return reply.redirect('/login?notice=loggedout', 302);
  });
}
