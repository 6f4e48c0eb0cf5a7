import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../context.js';
import { registerApplicationPasswordCreation } from './applicationPasswordCreation.js';
import { registerApplicationPasswordDetail } from './applicationPasswordDetail.js';
import { registerApplicationPasswordRevoking } from './applicationPasswordRevoking.js';

/** The same application-password pages for one's own account and, for admins, anyone's. */
export function registerApplicationPasswordPages(app: FastifyInstance, ctx: AppContext): void {
  for (const prefix of ['/account', '/admin/users/:id']) {
    registerApplicationPasswordCreation(app, ctx, prefix);
    registerApplicationPasswordRevoking(app, ctx, prefix);
    registerApplicationPasswordDetail(app, ctx, prefix);
  }
}
