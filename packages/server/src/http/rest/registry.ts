import type { FastifyRequest } from 'fastify';
import type { Session } from '../../sessions/index.js';
import type { User } from '../../accounts/index.js';
import type { ApplicationPassword } from '../../app-passwords/index.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../errors.js';
import type { ArgSpecs, ArgValues } from './args.js';

export type RestMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestAuth {
  user: User | undefined;
  via: 'none' | 'cookie' | 'application_password';
  session?: Session;
  /** The application password that authenticated this request. */
  appPassword?: ApplicationPassword;
}

/** A REST call; `Args` is what the endpoint's specs make of its parameters (see restEndpoint). */
export interface RestRequest<Args = Record<string, unknown>> {
  ctx: AppContext;
  raw: FastifyRequest;
  method: RestMethod;
  /** Validated, coerced parameters: path params win over body, body over query. */
  args: Args;
  auth: RestAuth;
}

/**
 * The signed-in caller, for handlers whose permission check already refused everyone else:
 * the 401 here (WordPress's answer to a signed-out caller) is a safety net, not a new rule.
 */
export function signedIn(req: RestRequest): User {
  if (!req.auth.user)
    throw new HttpError(401, 'rest_not_logged_in', 'You are not currently logged in.');
  return req.auth.user;
}

export interface RestResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * Whether the caller may use an endpoint. Its `req.args` stay untyped: besides guarding the
 * call, a permission runs with nothing but the raw path parameters (strings) to work out the
 * `Allow` header (dispatch.ts), so it must not count on validated values.
 */
export type Permission = (req: RestRequest) => Promise<true | HttpError> | true | HttpError;

/** The arguments of an endpoint that declares none. */
export type NoArgs = Record<never, never>;

/** An endpoint as restEndpoint() takes it: the handler sees `req.args` typed from `args`. */
export interface RestEndpointDeclaration<Specs extends ArgSpecs> {
  methods: readonly RestMethod[];
  /** Overrides the route's tier for these methods (e.g. GET users/me is content, POST is full). */
  tier?: ScopeTier;
  args?: Specs;
  permission?: Permission;
  handler: (req: RestRequest<ArgValues<Specs>>) => Promise<RestResult> | RestResult;
}

/**
 * An endpoint as the registry keeps it. Written out directly, its handler reads no arguments;
 * declare it with restEndpoint() to read them typed.
 */
export interface RestEndpoint extends Omit<RestEndpointDeclaration<ArgSpecs>, 'handler'> {
  handler: (req: RestRequest<NoArgs>) => Promise<RestResult> | RestResult;
}

/**
 * Declares an endpoint whose handler reads `req.args` with the types its specs give (an
 * integer as a number, an enum as its values, a required or defaulted one never undefined).
 * `const` keeps the literal types of specs written inline.
 */
export function restEndpoint<const Specs extends ArgSpecs = NoArgs>(
  endpoint: RestEndpointDeclaration<Specs>,
): RestEndpoint {
  return {
    ...endpoint,
    // The one cast of the arguments: dispatch.ts builds req.args with validateArgs(endpoint.args),
    // which coerces to exactly the types ArgValues derives from the same specs.
    handler: (req) => endpoint.handler(req as RestRequest<ArgValues<Specs>>),
  };
}

/**
 * What an application password's scope must include to call a route: `content` routes serve
 * posts, pages, terms, media and one's own profile; everything else is `full` (the default).
 */
export type ScopeTier = 'content' | 'full';

export interface RestRouteDefinition {
  namespace: string;
  /** Declared where the route is registered; undeclared means `full`. */
  tier?: ScopeTier;
  /** WordPress-style pattern after the namespace, e.g. `/users/(?P<id>[\d]+)`. */
  route: string;
  endpoints: RestEndpoint[];
}

export interface RegisteredRoute extends RestRouteDefinition {
  /** The full route as the index names it, e.g. `/wp/v2/users/(?P<id>[\d]+)`. */
  path: string;
  pattern: RegExp;
}

/** The REST routes: registration, matching, and what the index publishes. */
export class RestRegistry {
  readonly routes: RegisteredRoute[] = [];

  register(definition: RestRouteDefinition): void {
    const path = definition.namespace
      ? `/${definition.namespace}${definition.route}`
      : definition.route || '/';
    const source = path.replace(/\(\?P</g, '(?<');
    if (this.routes.some((r) => r.path === path))
      throw new Error(`REST route ${path} registered twice`);
    this.routes.push({ ...definition, path, pattern: new RegExp(`^${source}$`) });
  }

  match(path: string): { route: RegisteredRoute; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (m) return { route, params: { ...(m.groups ?? {}) } };
    }
    return undefined;
  }

  namespaces(): string[] {
    return [...new Set(this.routes.map((r) => r.namespace).filter(Boolean))];
  }
}
