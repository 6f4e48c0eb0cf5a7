import { readSettings } from '../../settings/index.js';
import type { AppContext } from '../../context.js';
import { describeRoute } from './dispatch.js';
import type { RestRegistry, RestRequest } from './registry.js';

/** What the index says about authentication; the application-passwords module fills it in. */
export type AuthenticationDiscovery = (
  req: RestRequest,
) => Promise<Record<string, unknown> | []> | Record<string, unknown> | [];

export function registerIndexRoutes(
  ctx: AppContext,
  registry: RestRegistry,
  authentication: AuthenticationDiscovery,
): void {
  const routesOf = (namespace?: string) => {
    const out: Record<string, unknown> = {};
    for (const route of registry.routes) {
      if (
        namespace !== undefined &&
        route.namespace !== namespace &&
        route.path !== `/${namespace}`
      )
        continue;
      const entry: Record<string, unknown> = describeRoute(route);
      // Like WordPress, only routes without parameters link to themselves.
      if (!route.path.includes('(?P<'))
        entry._links = { self: [{ href: `${ctx.config.siteUrl}/wp-json${route.path}` }] };
      out[route.path] = entry;
    }
    return out;
  };

  registry.register({
    namespace: '',
    route: '/',
    // Discovery is public; any credential may read it.
    tier: 'content',
    endpoints: [
      {
        methods: ['GET'],
        args: { context: { type: 'string', default: 'view', enum: ['view', 'embed', 'edit'] } },
        handler: async (req) => {
          const settings = await readSettings(ctx.db);
          return {
            body: {
              name: settings.title,
              description: settings.description,
              url: ctx.config.siteUrl,
              home: ctx.config.siteUrl,
              gmt_offset: 0,
              timezone_string: settings.timezone,
              namespaces: registry.namespaces(),
              authentication: await authentication(req),
              routes: routesOf(),
              _links: { help: [{ href: 'https://developer.wordpress.org/rest-api/' }] },
            },
          };
        },
      },
    ],
  });

  for (const namespace of ['wp/v2', 'latchkey/v1']) {
    registry.register({
      namespace,
      route: '',
      tier: 'content',
      endpoints: [
        {
          methods: ['GET'],
          args: {
            namespace: { type: 'string', default: namespace },
            context: { type: 'string', default: 'view' },
          },
          handler: () => ({
            body: {
              namespace,
              routes: routesOf(namespace),
              _links: { up: [{ href: `${ctx.config.siteUrl}/wp-json/` }] },
            },
          }),
        },
      ],
    });
  }
}
