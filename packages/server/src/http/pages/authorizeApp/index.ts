import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../context.js';
import { openAuthorizeScreen } from './openAuthorizeScreen.js';
import { submitAuthorizeScreen } from './submitAuthorizeScreen.js';

/** Latchkey's address for the screen, and WordPress's, which clients already know. */
export const AUTHORIZE_PATHS = ['/authorize-application', '/wp-admin/authorize-application.php'];

/** The authorize-application hand-off (SPEC §4): the screen, and its Approve and Deny. */
export function registerAuthorizeApplicationPages(app: FastifyInstance, ctx: AppContext): void {
  for (const path of AUTHORIZE_PATHS) {
    app.get(path, (request, reply) => openAuthorizeScreen(ctx, request, reply));
    app.post(path, (request, reply) => submitAuthorizeScreen(ctx, request, reply));
  }
}
