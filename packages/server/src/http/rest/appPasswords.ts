import type { AppContext } from '../../context.js';
import { registerAppRevocationAndActivityRoutes } from './appPasswords/appRevocationRoutes.js';
import { registerBlockRoutes } from './appPasswords/blockRoutes.js';
import { registerCollectionRoutes } from './appPasswords/collectionRoutes.js';
import { registerIntrospectRoute } from './appPasswords/introspectRoute.js';
import { registerItemRoutes } from './appPasswords/itemRoutes.js';
import type { RestRegistry } from './registry.js';

export { REAUTH_WINDOW_MS } from './appPasswords/newPassword.js';

/** The application-password routes, in the order the API index publishes them. */
export function registerApplicationPasswordRoutes(ctx: AppContext, registry: RestRegistry): void {
  registerCollectionRoutes(ctx, registry);
  registerIntrospectRoute(ctx, registry);
  registerItemRoutes(ctx, registry);
  registerAppRevocationAndActivityRoutes(ctx, registry);
  registerBlockRoutes(ctx, registry);
}
