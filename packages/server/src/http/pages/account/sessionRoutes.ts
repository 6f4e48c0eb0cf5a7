import type { FastifyInstance } from 'fastify';
import { recordAuditEvent } from '../../../audit/index.js';
import { endOtherSessions, endSession } from '../../../sessions/index.js';
import { assertFormCsrf } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { pageOrigin } from '../pageAudit.js';
import { requireSignedIn } from '../render.js';

/** Signing out other sessions from the account page: all of them, or one. */
export function registerSessionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/account/sessions/end-others', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const ended = await endOtherSessions(ctx.db, signedIn.user.id, signedIn.session.id);
    await recordAuditEvent(
      ctx.db,
      {
        userId: signedIn.user.id,
        ...pageOrigin(request, signedIn),
        event: 'session.ended',
        details: { reason: 'log_out_everywhere_else', count: ended },
      },
      ctx.now(),
    );
    return reply.redirect('/account?done=sessions', 303);
  });

  app.post<{ Params: { id: string } }>('/account/sessions/:id/end', async (request, reply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const ended = await endSession(ctx.db, signedIn.user.id, request.params.id);
    if (ended) {
      await recordAuditEvent(
        ctx.db,
        {
          userId: signedIn.user.id,
          ...pageOrigin(request, signedIn),
          event: 'session.ended',
          details: { reason: 'ended_by_user', session: request.params.id },
        },
        ctx.now(),
      );
    }
    return reply.redirect('/account?done=session', 303);
  });
}
