import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../context.js';
import { registerPasswordSignIn } from './passwordSignIn.js';
import { registerSignOut } from './signOut.js';
import { registerWordpressSignInAddresses } from './wordpressAddresses.js';

/** Signing in with the password, signing out, and WordPress's addresses for both. */
export function registerSignInPages(app: FastifyInstance, ctx: AppContext): void {
  registerPasswordSignIn(app, ctx);
  registerSignOut(app, ctx);
  registerWordpressSignInAddresses(app, ctx);
}
