import type { FastifyRequest } from 'fastify';
import type { Session } from '../../sessions/index.js';
import type { User } from '../../accounts/index.js';
import type { ApplicationPassword } from '../../app-passwords/index.js';
import type { AppContext } from '../../context.js';
import type { HttpError } from '../errors.js';
import type { ArgSpecs } from './args.js';

export type RestMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestAuth {
  user: User | undefined;
  via: 'none' | 'cookie' | 'application_password';
  session?: Session;
  /** The application password that authenticated this request. */
  appPassword?: ApplicationPassword;
}

export interface RestRequest {
  ctx: AppContext;
  raw: FastifyRequest;
  method: RestMethod;
  /** Validated, coerced parameters: path params win over body, body over query. */
  args: Record<string, unknown>;
  auth: RestAuth;
}

export interface RestResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Permission = (req: RestRequest) => Promise<true | HttpError> | true | HttpError;

export interface RestEndpoint {
  methods: readonly RestMethod[];
  /** Overrides the route's tier for these methods (e.g. GET users/me is content, POST is full). */
  tier?: ScopeTier;
  args?: ArgSpecs;
  permission?: Permission;
  handler: (req: RestRequest) => Promise<RestResult> | RestResult;
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
