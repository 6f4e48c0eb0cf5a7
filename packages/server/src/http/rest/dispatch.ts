import type { FastifyReply, FastifyRequest } from 'fastify';
import { restRouteOf } from '../../metrics.js';
import { csrfTokenForSession } from '../../sessions/index.js';
import { forbiddenScopeMessage, scopeAllows } from '../../scopes/index.js';
import type { AppContext } from '../../context.js';
import { HttpError, toHttpError } from '../errors.js';
import { describeArgs, validateArgs } from './args.js';
import { resolveRestAuth } from './auth.js';
import { filterFields, restHeaders } from './headers.js';
import type {
  RegisteredRoute,
  RestAuth,
  RestMethod,
  RestRegistry,
  RestRequest,
} from './registry.js';

const METHODS: readonly RestMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const RESERVED = new Set([
  '_fields',
  '_method',
  '_wpnonce',
  '_envelope',
  '_embed',
  '_locale',
  '_jsonp',
  'rest_route',
]);

export function apiRoot(ctx: AppContext): string {
  return `${ctx.config.siteUrl}/wp-json/`;
}

/** The REST path of a request addressed to /wp-json/… (after any ?rest_route= rewrite). */
export function restPathOf(url: string): string {
  const pathOnly = url.split('?')[0] ?? '';
  let rest = pathOnly.replace(/^\/wp-json/, '');
  try {
    rest = decodeURIComponent(rest);
  } catch {
    // Malformed escapes simply fail to match any route.
  }
  return rest === '' ? '/' : rest.length > 1 ? rest.replace(/\/+$/, '') : rest;
}

function effectiveMethod(request: FastifyRequest, query: Record<string, unknown>): string {
  const m = request.method === 'HEAD' ? 'GET' : request.method;
  if (m !== 'POST') return m;
  // WordPress lets clients behind restrictive proxies tunnel other verbs through POST.
  const override = request.headers['x-http-method-override'] ?? query._method;
  return typeof override === 'string' ? override.toUpperCase() : m;
}

/**
 * The methods the caller may use on this route (WordPress's `Allow`): each endpoint's permission
 * check, run with the path parameters. The endpoint the request is for, when its own check has
 * already run with the request's arguments, counts with that answer instead of running twice.
 */
async function allowedMethods(
  route: RegisteredRoute,
  base: Omit<RestRequest, 'method' | 'args'>,
  params: Record<string, string>,
  known?: { endpoint: RegisteredRoute['endpoints'][number]; permitted: boolean },
): Promise<string> {
  let allowed = '';
  const seen = new Set<string>();
  for (const endpoint of route.endpoints) {
    let ok = true;
    if (known && endpoint === known.endpoint) ok = known.permitted;
    else if (endpoint.permission) {
      try {
        ok =
          (await endpoint.permission({ ...base, method: endpoint.methods[0]!, args: params })) ===
          true;
      } catch {
        ok = false;
      }
    }
    if (!ok) continue;
    for (const m of endpoint.methods) {
      if (seen.has(m)) continue;
      seen.add(m);
      allowed = allowed === '' ? m : `${allowed}, ${m}`;
    }
  }
  return allowed;
}

export function describeRoute(route: RegisteredRoute): Record<string, unknown> {
  return {
    namespace: route.namespace,
    methods: [...new Set(route.endpoints.flatMap((e) => e.methods))],
    endpoints: route.endpoints.map((e) => ({
      methods: e.methods,
      args: describeArgs(e.args ?? {}),
    })),
  };
}

export function createRestDispatcher(ctx: AppContext, registry: RestRegistry) {
  const baseHeaders = Object.freeze(restHeaders(apiRoot(ctx)));
  /** JSON text of frozen bodies (shapes that handlers keep and reuse, like users/me). */
  const texts = new WeakMap<object, string>();
  const serialize = (body: unknown): string => {
    if (!body || typeof body !== 'object' || !Object.isFrozen(body)) return JSON.stringify(body);
    let text = texts.get(body);
    if (text === undefined) texts.set(body, (text = JSON.stringify(body)));
    return text;
  };
  const send = (
    reply: FastifyReply,
    status: number,
    body: unknown,
    headers: Record<string, string>,
  ) => {
    reply.code(status).headers(headers);
    return reply.send(serialize(body));
  };

  return async function dispatch(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply> {
    const headers: Record<string, string> = { ...baseHeaders };
    const origin = request.headers.origin;
    // Cross-origin apps may read responses, but never with the browser's cookies.
    if (typeof origin === 'string') headers['access-control-allow-origin'] = origin;
    const query = (request.query ?? {}) as Record<string, unknown>;
    const body =
      request.body && typeof request.body === 'object' && !Buffer.isBuffer(request.body)
        ? (request.body as Record<string, unknown>)
        : {};
    // Set once the route is known: an error answered after that still carries `Allow`.
    let allowFor: (() => Promise<string>) | undefined;
    try {
      const auth: RestAuth = await resolveRestAuth(ctx, request, query._wpnonce ?? body._wpnonce);
      if (auth.user) {
        headers.expires = 'Wed, 11 Jan 1984 05:00:00 GMT';
        if (auth.via === 'cookie' && auth.session)
          headers['x-wp-nonce'] = csrfTokenForSession(ctx.keys, auth.session.id);
      }
      const path = restPathOf(request.url);
      const matched = registry.match(path);
      if (!matched)
        throw new HttpError(
          404,
          'rest_no_route',
          'No route was found matching the URL and request method.',
        );
      const { route, params } = matched;
      restRouteOf.set(request, `/wp-json${route.path}`);
      const base = { ctx, raw: request, auth };
      allowFor = () => allowedMethods(route, base, params);
      const method = effectiveMethod(request, query);
      if (method === 'OPTIONS') {
        headers.allow = await allowedMethods(route, base, params);
        // A preflight carries no credentials: name every method, as WordPress does.
        headers['access-control-allow-methods'] = [
          ...new Set(route.endpoints.flatMap((e) => e.methods)),
        ].join(', ');
        return send(reply, 200, describeRoute(route), headers);
      }
      const endpoint = METHODS.includes(method as RestMethod)
        ? route.endpoints.find((e) => e.methods.includes(method as RestMethod))
        : undefined;
      if (!endpoint)
        throw new HttpError(
          404,
          'rest_no_route',
          'No route was found matching the URL and request method.',
        );
      // Scopes: a content-tier application password reaches only content-tier endpoints.
      const tier = endpoint.tier ?? route.tier ?? 'full';
      if (auth.appPassword && !scopeAllows(auth.appPassword.scope, tier)) {
        throw new HttpError(403, 'rest_forbidden_scope', forbiddenScopeMessage(tier), {
          scope: auth.appPassword.scope,
          required_scope: tier,
        });
      }
      // A single-use password not yet replaced (§6.5): REST answers nothing until it is.
      if (auth.session?.passwordChangeOnly) {
        throw new HttpError(
          403,
          'latchkey_password_change_required',
          'Choose a new password first: the one you signed in with works only once.',
        );
      }
      // Required two-factor not yet enrolled: only the enrolment routes answer.
      if (auth.session?.enrolmentOnly && !route.path.includes('/two-factor')) {
        throw new HttpError(
          403,
          'latchkey_enrolment_required',
          'Set up two-factor authentication first: it is required for your account.',
        );
      }

      const input: Record<string, unknown> = {};
      for (const source of [query, body, params]) {
        for (const [k, v] of Object.entries(source)) if (!RESERVED.has(k)) input[k] = v;
      }
      const args = validateArgs(endpoint.args ?? {}, input);
      const rest: RestRequest = { ...base, method: method as RestMethod, args };
      const permitted = endpoint.permission ? await endpoint.permission(rest) : true;
      headers.allow = await allowedMethods(route, base, params, {
        endpoint,
        permitted: permitted === true,
      });
      if (permitted !== true) throw permitted;
      const result = await endpoint.handler(rest);
      Object.assign(headers, result.headers ?? {});
      return send(reply, result.status ?? 200, filterFields(result.body, query._fields), headers);
    } catch (error) {
      const httpError = toHttpError(error);
      if (!httpError) throw error;
      if (allowFor && headers.allow === undefined) headers.allow = await allowFor();
      Object.assign(headers, httpError.headers);
      return send(
        reply,
        httpError.status,
        {
          code: httpError.code,
          message: httpError.message,
          data: { status: httpError.status, ...httpError.data },
        },
        headers,
      );
    }
  };
}
