import type { PostType } from '../../../content/index.js';
import type { AppContext } from '../../../context.js';
import type { RestRegistry } from '../registry.js';
import { registerPostCollectionRoutes } from './posts/collectionRoutes.js';
import { registerPostItemRoutes } from './posts/itemRoutes.js';

export { canReadPost } from './posts/postAccess.js';

/** wp/v2 posts or pages: the collection, then one item. */
export function registerPostRoutes(ctx: AppContext, registry: RestRegistry, type: PostType): void {
  registerPostCollectionRoutes(ctx, registry, type);
  registerPostItemRoutes(ctx, registry, type);
}
