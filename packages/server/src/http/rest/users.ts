import type { AppContext } from '../../context.js';
import type { RestRegistry } from './registry.js';
import { registerUserCollectionRoutes } from './users/collectionRoutes.js';
import { registerOneUserRoutes } from './users/oneUserRoutes.js';

export interface UserRouteOptions {
  /** Ids of users who have published content: anyone may see those (WordPress's author archive rule). */
  publishedAuthorIds(): Promise<Set<number>>;
}

/** wp/v2 users: the collection, then one user by id and `me`. */
export function registerUserRoutes(
  ctx: AppContext,
  registry: RestRegistry,
  options: UserRouteOptions,
): void {
  registerUserCollectionRoutes(ctx, registry, options);
  registerOneUserRoutes(ctx, registry, options);
}
