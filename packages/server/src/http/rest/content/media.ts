import type { AppContext } from '../../../context.js';
import type { RestRegistry } from '../registry.js';
import { registerMediaCollectionRoutes } from './media/collectionRoutes.js';
import { registerMediaItemRoutes } from './media/itemRoutes.js';
import { mediaAccess } from './media/mediaAccess.js';

export { fileNameFromDisposition } from './media/upload.js';

/** wp/v2 media: the collection (list, upload), then one attachment. */
export function registerMediaRoutes(ctx: AppContext, registry: RestRegistry): void {
  const access = mediaAccess(ctx);
  registerMediaCollectionRoutes(ctx, registry, access);
  registerMediaItemRoutes(ctx, registry, access);
}
