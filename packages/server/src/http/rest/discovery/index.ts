import type { AppContext } from '../../../context.js';
import type { RestRegistry } from '../registry.js';
import { registerCommentRoutes } from './comments.js';
import { registerPostTypeRoutes } from './postTypes.js';
import { registerSearchRoute } from './search.js';
import { registerStatusRoutes } from './statuses.js';
import { registerTaxonomyRoutes } from './taxonomies.js';

/**
 * The read-only routes WordPress clients call before anything else (SPEC §9): post types,
 * statuses, taxonomies, search, and the always-empty comments. All are content tier.
 */
export function registerDiscoveryRoutes(ctx: AppContext, registry: RestRegistry): void {
  registerPostTypeRoutes(ctx, registry);
  registerStatusRoutes(ctx, registry);
  registerTaxonomyRoutes(ctx, registry);
  registerSearchRoute(ctx, registry);
  registerCommentRoutes(registry);
}
