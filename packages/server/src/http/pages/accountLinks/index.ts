import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../context.js';
import { registerEmailConfirmation } from './emailConfirmation.js';
import { registerLostPassword } from './lostPassword.js';
import { registerRegistration } from './registration.js';
import { registerSetPassword } from './setPassword.js';

/** The pages the links of SPEC §12 lead to, and the signed-out forms that mail them. */
export function registerAccountLinkPages(app: FastifyInstance, ctx: AppContext): void {
  registerLostPassword(app, ctx);
  registerSetPassword(app, ctx);
  registerRegistration(app, ctx);
  registerEmailConfirmation(app, ctx);
}
