import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { constantTimeEqual } from '../crypto/index.js';
import type { AppContext } from '../context.js';
import { restRouteOf } from '../metrics.js';
import { HttpError, toHttpError } from './errors.js';
import { html } from './html.js';
import { SITE_CSS, SITE_JS } from './layout.js';
import { registerAccountPages } from './pages/account/index.js';
import { registerAccountLinkPages } from './pages/accountLinks/index.js';
import { registerAdminUserPages } from './pages/adminUsers/index.js';
import { registerAdminSettingsPages } from './pages/adminSettings.js';
import { registerApplicationPasswordPages } from './pages/appPasswords/index.js';
import { registerAuthorizeApplicationPages } from './pages/authorizeApp/index.js';
import { registerContentPages } from './pages/content.js';
import { registerHomePage } from './pages/home.js';
import { sendPage } from './pages/render.js';
import { registerReauthPage } from './pages/signIn/reauth.js';
import { registerSignInPages } from './pages/signIn/index.js';
import { registerTwoFactorSignIn } from './pages/signIn/twoFactorSignIn.js';
import { registerTwoFactorPages } from './pages/twoFactor/index.js';
import { apiRoot, createRestDispatcher, restPathOf } from './rest/dispatch.js';
import { restHeaders } from './rest/headers.js';
import { RestRegistry } from './rest/registry.js';
import { registerIndexRoutes } from './rest/rootIndex.js';
import { registerUserRoutes } from './rest/users.js';
import { registerSettingsRoutes } from './rest/settings.js';
import { registerApplicationPasswordRoutes } from './rest/appPasswords.js';
import { registerAuthorizeTokenRoute } from './rest/authorizeToken.js';
import { registerTwoFactorRoutes } from './rest/twoFactor.js';
import { registerAuditRoutes } from './rest/audit.js';
import { registerServiceRoutes } from './rest/services.js';
import { registerContentRoutes, registerMediaBodies } from './rest/content/index.js';
import { registerDiscoveryRoutes } from './rest/discovery/index.js';
import { publishedAuthorIds } from '../content/index.js';
import { applicationPasswordsAvailableFor } from './rest/auth.js';
import { registerXmlRpc } from './xmlrpc.js';
import { registerForwardAuth } from './forwardAuth/index.js';
import { registerAdminServicePages } from './pages/adminServices/index.js';

const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const AVATAR_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" fill="#c7cbd1"/><circle cx="48" cy="38" r="18" fill="#fff"/><path d="M16 96c4-20 16-30 32-30s28 10 32 30z" fill="#fff"/></svg>';

const isRestUrl = (url: string) =>
  url === '/wp-json' || url.startsWith('/wp-json/') || url.startsWith('/wp-json?');

/** `/?rest_route=/wp/v2/users` is the same as `/wp-json/wp/v2/users` (clients without pretty URLs use it). */
export function rewriteRestRoute(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const path = url.slice(0, q);
  if (path !== '/' && path !== '/index.php') return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const route = params.get('rest_route');
  if (route === null) return url;
  params.delete('rest_route');
  const rest = params.toString();
  const normalized = route.startsWith('/') ? route : `/${route}`;
  return `/wp-json${encodeURI(normalized).replace(/\?/g, '%3F')}${rest ? `?${rest}` : ''}`;
}

const registries = new WeakMap<FastifyInstance, RestRegistry>();

/** The REST routes an app serves (for the scope matrix test and the API docs generator). */
export function restRegistryOf(app: FastifyInstance): RestRegistry {
  const registry = registries.get(app);
  if (!registry) throw new Error('not a Latchkey app');
  return registry;
}

export async function buildHttpApp(ctx: AppContext): Promise<FastifyInstance> {
  const { config } = ctx;
  const app = Fastify({
    loggerInstance: ctx.logger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    // A request that reached a node before its shutdown is served (server.ts close()); a 503
    // here would be a write the proxy does not resend.
    return503OnClosing: false,
    rewriteUrl: (req) => rewriteRestRoute(req.url ?? '/'),
    ...(config.tlsCert && config.tlsKey
      ? { https: { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) } }
      : {}),
  }) as unknown as FastifyInstance;

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: config.bodyLimitBytes });
  // Callback-style hooks: they run on every response, and skip a promise each.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) {
      if (!reply.hasHeader('content-security-policy'))
        reply.header('content-security-policy', PAGE_CSP);
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'same-origin');
    }
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000');
    done(null, payload);
  });

  // A REST call refused before its route was looked up (a wrong credential): label it by the
  // route its path matches all the same, else by the catch-all.
  const restRouteFor = (request: FastifyRequest): string | undefined => {
    if (!isRestUrl(request.url)) return undefined;
    const matched = registry.match(restPathOf(request.url));
    return matched ? `/wp-json${matched.route.path}` : undefined;
  };
  app.addHook('onResponse', (request, reply, done) => {
    ctx.metrics.httpRequests.observe(
      {
        method: request.method,
        // REST calls share one Fastify route: label them by the REST route they matched.
        route:
          restRouteOf.get(request) ??
          restRouteFor(request) ??
          request.routeOptions.url ??
          'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });

  const sendError = async (request: FastifyRequest, reply: FastifyReply, error: HttpError) => {
    if (isRestUrl(request.url)) {
      reply.code(error.status).headers({ ...restHeaders(apiRoot(ctx)), ...error.headers });
      return reply.send(
        JSON.stringify({
          code: error.code,
          message: error.message,
          data: { status: error.status, ...error.data },
        }),
      );
    }
    reply.headers(error.headers);
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'Error', status: error.status },
      () =>
        html` <h1>${error.status === 404 ? 'Not found' : 'That did not work'}</h1>
          <p class="error" role="alert">${error.message}</p>
          <p><a href="/">Home</a></p>`,
    );
  };

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    let httpError = toHttpError(error);
    if (!httpError) {
      const status = error.statusCode ?? 500;
      if (status >= 500) {
        request.log.error({ err: error }, 'request failed');
        httpError = new HttpError(
          500,
          'latchkey_internal_error',
          'Something went wrong on our side. It has been logged.',
        );
      } else if (status === 413) {
        httpError = new HttpError(
          413,
          'latchkey_body_too_large',
          `The request body is larger than ${config.bodyLimitBytes} bytes.`,
        );
      } else if (status === 415) {
        httpError = new HttpError(
          415,
          'latchkey_unsupported_media_type',
          'This content type is not accepted here.',
        );
      } else if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
        httpError = new HttpError(400, 'rest_invalid_json', 'Invalid JSON body passed.');
      } else {
        httpError = new HttpError(
          status,
          'latchkey_bad_request',
          'The request could not be understood.',
        );
      }
    }
    try {
      return await sendError(request, reply, httpError);
    } catch (renderError) {
      request.log.error({ err: renderError }, 'error page failed');
      return reply.code(httpError.status).type('text/plain; charset=utf-8').send(httpError.message);
    }
  });

  app.setNotFoundHandler(async (request, reply) =>
    sendError(
      request,
      reply,
      new HttpError(404, 'latchkey_not_found', 'There is nothing at this address.'),
    ),
  );

  // REST
  const registry = new RestRegistry();
  registries.set(app, registry);
  registerIndexRoutes(ctx, registry, async (req) =>
    (await applicationPasswordsAvailableFor(ctx, req.raw))
      ? {
          'application-passwords': {
            endpoints: { authorization: `${ctx.config.siteUrl}/authorize-application` },
          },
        }
      : [],
  );
  registerUserRoutes(ctx, registry, { publishedAuthorIds: () => publishedAuthorIds(ctx.db) });
  registerContentRoutes(ctx, registry);
  registerDiscoveryRoutes(ctx, registry);
  registerApplicationPasswordRoutes(ctx, registry);
  registerAuthorizeTokenRoute(ctx, registry);
  registerSettingsRoutes(ctx, registry);
  registerTwoFactorRoutes(ctx, registry);
  registerAuditRoutes(ctx, registry);
  registerServiceRoutes(ctx, registry);
  const dispatch = createRestDispatcher(ctx, registry);
  for (const url of ['/wp-json', '/wp-json/*']) {
    app.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url,
      handler: dispatch,
    });
  }
  // The media routes, in a scope of their own with the upload body parsers (multipart and raw
  // files): every other request skips what those cost, and other URLs refuse such bodies (415).
  await registerMediaBodies(app, ctx, dispatch);

  // Pages
  registerHomePage(app, ctx);
  registerSignInPages(app, ctx);
  registerAccountLinkPages(app, ctx);
  registerTwoFactorSignIn(app, ctx);
  registerTwoFactorPages(app, ctx);
  registerAccountPages(app, ctx);
  registerAdminUserPages(app, ctx);
  registerAdminSettingsPages(app, ctx);
  registerApplicationPasswordPages(app, ctx);
  registerReauthPage(app, ctx);
  registerAuthorizeApplicationPages(app, ctx);
  registerContentPages(app, ctx);
  registerXmlRpc(app, ctx);
  await registerForwardAuth(app, ctx);
  registerAdminServicePages(app, ctx);

  app.get('/assets/site.css', async (_request, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(SITE_CSS),
  );
  app.get('/assets/latchkey.js', async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(SITE_JS),
  );
  // @simplewebauthn/browser exports one entry, its ES module: serve that entry and the modules
  // it imports (its own folder, read once; nothing else is reachable), and a module of ours
  // that hands the two functions the site script calls to the page.
  const webauthnDir = path.dirname(fileURLToPath(import.meta.resolve('@simplewebauthn/browser')));
  const webauthnModules = new Map(
    readdirSync(webauthnDir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.js'))
      .map((file) => [file.split(path.sep).join('/'), readFileSync(path.join(webauthnDir, file))]),
  );
  const javascript = (reply: FastifyReply, body: string | Buffer) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(body);
  app.get('/assets/simplewebauthn/*', async (request, reply) => {
    const file = webauthnModules.get((request.params as { '*': string })['*']);
    if (!file) throw new HttpError(404, 'latchkey_not_found', 'Not found.');
    return javascript(reply, file);
  });
  app.get('/assets/simplewebauthn-browser.js', async (_request, reply) =>
    javascript(
      reply,
      "import { startAuthentication, startRegistration } from '/assets/simplewebauthn/index.js';\n" +
        'window.SimpleWebAuthnBrowser = { startAuthentication, startRegistration };\n',
    ),
  );
  app.get('/assets/avatar.svg', async (_request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(AVATAR_SVG),
  );

  app.get('/healthz', async (_request, reply) => {
    try {
      await ctx.db.selectFrom('settings').select('name').limit(1).execute();
      return reply
        .header('cache-control', 'no-store')
        .send({ status: 'ok', store: ctx.dialect, rate_limits: ctx.limiters.store });
    } catch {
      return reply.code(503).header('cache-control', 'no-store').send({ status: 'unavailable' });
    }
  });

  // Readiness, apart from liveness: a load balancer sends no traffic here while this is 503.
  app.get('/readyz', async (_request, reply) => {
    const { ready, checks } = await ctx.readiness();
    return reply
      .code(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: ready ? 'ready' : 'unavailable', ...checks });
  });

  app.get('/metrics', async (request, reply) => {
    const token = config.metricsToken;
    if (!token) throw new HttpError(404, 'latchkey_not_found', 'There is nothing at this address.');
    const presented = /^Bearer (.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1] ?? '';
    if (!constantTimeEqual(presented, token)) {
      return reply.code(401).type('text/plain').send('A bearer token is required.');
    }
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });

  return app;
}
