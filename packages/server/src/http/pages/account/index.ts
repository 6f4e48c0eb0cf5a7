import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../context.js';
import { registerAccountPage } from './accountPage.js';
import { registerPasswordRoutes } from './passwordRoutes.js';
import { registerProfileRoutes } from './profileRoutes.js';
import { registerSessionRoutes } from './sessionRoutes.js';

/** `/account`: the page, and the profile, password and session forms posted from it. */
export function registerAccountPages(app: FastifyInstance, ctx: AppContext): void {
  registerAccountPage(app, ctx);
  registerProfileRoutes(app, ctx);
  registerPasswordRoutes(app, ctx);
  registerSessionRoutes(app, ctx);
}
