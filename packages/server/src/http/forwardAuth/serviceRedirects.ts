import type { AppContext } from '../../context.js';
import { matchService, serviceDirectoryOf } from '../../services/index.js';

/**
 * Which absolute URLs sign-in may send a browser back to besides the site's own: those on a
 * host (and path) of a registered service (SPEC §11), nothing else.
 */
export async function serviceUrlCheck(ctx: AppContext): Promise<(url: URL) => boolean> {
  const services = await serviceDirectoryOf(ctx.db, ctx.invalidation).current();
  return (url) => matchService(services, { host: url.host, path: url.pathname }) !== undefined;
}
