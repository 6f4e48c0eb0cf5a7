import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  applicationPasswordsAvailable,
  parseBasicAuthorization,
} from '../../app-passwords/index.js';
import type { AppContext } from '../../context.js';
import { readSettings } from '../../settings/index.js';
import { effectiveUser } from '../../scopes/index.js';
import {
  admits,
  matchService,
  serviceDirectoryOf,
  type Principal,
  type RefusalReason,
  type Service,
} from '../../services/index.js';
import { authenticateApplicationPassword } from '../applicationPasswordAuth.js';
import { sessionOf } from '../browserAuth.js';
import { isLoopback } from '../clientAddress.js';
import { HttpError } from '../errors.js';
import { ServiceFirstUses } from './firstUses.js';
import { registerSignInContinuation } from './serviceRedirects.js';
import { identityHeaders } from './identityHeaders.js';
import {
  createProxyTrust,
  originalRequest,
  originalUrl,
  type OriginalRequest,
} from './originalRequest.js';

const REFUSALS: Record<RefusalReason | 'unavailable' | 'disabled_for_role' | 'expired', string> = {
  role: 'Your role may not use this service.',
  capability: 'Your account may not use this service.',
  service_limit: 'This application password is not allowed on this service.',
  scope: 'This application password is limited to the content scope; this service needs full.',
  two_factor: 'This service requires two-factor authentication. Set it up on your account first.',
  unavailable: 'Application passwords are not available.',
  disabled_for_role: 'Application passwords are not available for your account.',
  expired: 'This application password has expired.',
};

const firstUsesByContext = new WeakMap<AppContext, ServiceFirstUses>();
export function serviceFirstUsesOf(ctx: AppContext): ServiceFirstUses {
  let f = firstUsesByContext.get(ctx);
  if (!f) firstUsesByContext.set(ctx, (f = new ServiceFirstUses(ctx)));
  return f;
}

const quoted = (text: string) => text.replace(/["\\]/g, '');

/**
 * `/auth/verify` (SPEC §11): a reverse proxy asks about each request to a protected service and
 * gets 200 with who it is, or a refusal it relays. Lean on purpose: no REST dispatcher, and a
 * warm application password reads nothing (credential cache, services directory in memory).
 */
export async function registerForwardAuth(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // In a scope of its own: the body of whatever the proxy forwards is drained unread, never
  // parsed (any content type, no 415), as SPEC §11 says the body is ignored.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => {
      payload.resume();
      payload.on('end', () => done(null, undefined));
      payload.on('error', (error) => done(error as Error, undefined));
    });
    registerVerifyRoute(scope, ctx);
  });
  registerSignInContinuation(app, ctx);
}

function registerVerifyRoute(app: FastifyInstance, ctx: AppContext): void {
  const trusted = createProxyTrust(ctx.config);
  const directory = serviceDirectoryOf(ctx.db, ctx.invalidation);
  const firstUses = serviceFirstUsesOf(ctx);
  const loginUrl = `${ctx.config.siteUrl}/login`;

  const json = (
    reply: FastifyReply,
    status: number,
    body: { code: string; message: string; data?: Record<string, unknown> },
    headers: Record<string, string> = {},
  ) =>
    reply
      .code(status)
      .headers({ 'cache-control': 'no-store', ...headers })
      .type('application/json; charset=utf-8')
      .send(
        JSON.stringify({
          code: body.code,
          message: body.message,
          data: { status, ...body.data },
        }),
      );

  const challenge = (service: Service) => ({
    'www-authenticate': `Basic realm="${quoted(service.name)}", charset="UTF-8"`,
  });

  const deny = (
    reply: FastifyReply,
    request: FastifyRequest,
    original: OriginalRequest,
    service: Service | undefined,
    reason: RefusalReason | 'unknown_service' | 'unavailable' | 'disabled_for_role' | 'expired',
    who?: { userId: number; credential: string },
  ) => {
    ctx.auditBuffer.add(
      {
        event: 'forward_auth.denied',
        userId: who?.userId ?? null,
        ip: original.clientIp,
        userAgent: String(request.headers['user-agent'] ?? ''),
        credential: who?.credential ?? null,
        details: {
          reason,
          service: service?.slug ?? null,
          host: original.host.slice(0, 255),
          method: original.method,
        },
      },
      ctx.now(),
    );
    if (reason === 'unknown_service')
      return json(reply, 403, {
        code: 'latchkey_unknown_service',
        message: 'No service is registered for this host.',
      });
    return json(reply, 403, {
      code: 'latchkey_forbidden_service',
      message: REFUSALS[reason],
      data: { service: service?.slug, reason },
    });
  };

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    let original: OriginalRequest;
    try {
      original = originalRequest(request, trusted);
    } catch (error) {
      if (error instanceof HttpError) return json(reply, error.status, error);
      throw error;
    }
    const current = directory.current();
    const services = Array.isArray(current) ? current : await current;
    const q = original.uri.indexOf('?');
    const service = matchService(services, {
      host: original.host,
      path: q < 0 ? original.uri : original.uri.slice(0, q),
    });
    if (!service) return deny(reply, request, original, undefined, 'unknown_service');
    const userAgent = String(request.headers['user-agent'] ?? '');

    let principal: Principal | undefined;
    let credential = '';
    const basic = parseBasicAuthorization(request.headers.authorization);
    if (basic) {
      const transport = applicationPasswordsAvailable({
        env: ctx.config.env,
        secure: original.proto === 'https' || request.protocol === 'https',
        toLoopback: isLoopback(request.socket.localAddress ?? ''),
      });
      if (!transport || !(await readSettings(ctx.db)).applicationPasswordsEnabled)
        return deny(reply, request, original, service, 'unavailable');
      try {
        const { user, record } = await authenticateApplicationPassword(
          ctx,
          basic,
          {
            ip: original.clientIp,
            userAgent,
          },
          'forward_auth',
        );
        credential = `app_password:${record.uuid}`;
        principal = { via: 'app_password', user: effectiveUser(user, record), record };
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        if (error.code === 'application_passwords_disabled_for_user')
          return deny(reply, request, original, service, 'disabled_for_role');
        // SPEC §11: an expired password is known but not admitted (403), unlike a wrong one.
        if (error.status === 401 && error.data.reason === 'expired')
          return deny(reply, request, original, service, 'expired');
        // The §3.2 body, with the challenge so DAV clients and curl ask for another password.
        return json(reply, error.status, error, {
          ...error.headers,
          ...(error.status === 401 ? challenge(service) : {}),
        });
      }
    } else if (service.browser) {
      const signedIn = await sessionOf(ctx, request);
      // A session limited to enrolment or to a password change reaches no other service.
      if (signedIn && !signedIn.session.enrolmentOnly && !signedIn.session.passwordChangeOnly) {
        credential = 'session';
        principal = {
          via: 'session',
          user: signedIn.user,
          usesTwoFactor:
            service.twoFactor === 'required'
              ? await ctx.twoFactor.usesTwoFactor(signedIn.user)
              : true,
        };
      }
    }

    if (!principal) {
      const accept = String(request.headers.accept ?? '');
      if (service.browser && accept.includes('text/html')) {
        const location = `${loginUrl}?redirect_to=${encodeURIComponent(originalUrl(original))}`;
        // nginx's auth_request relays only 2xx, 401 and 403: the documented configuration
        // turns this 401's Location into the redirect (auth_request_set + error_page 401).
        return reply
          .code(original.fromNginx ? 401 : 302)
          .headers({ 'cache-control': 'no-store', location })
          .send();
      }
      return json(
        reply,
        401,
        {
          code: 'latchkey_credentials_required',
          message: 'Sign in with an application password (HTTP Basic) to use this service.',
        },
        challenge(service),
      );
    }

    const admission = admits(service, principal);
    if (!admission.ok)
      return deny(reply, request, original, service, admission.reason, {
        userId: principal.user.id,
        credential,
      });
    firstUses.note({
      credential,
      service: service.slug,
      userId: principal.user.id,
      ip: original.clientIp,
      userAgent,
    });
    return reply
      .code(200)
      .headers({
        'cache-control': 'no-store',
        ...identityHeaders(
          principal.user,
          principal.via === 'session'
            ? { kind: 'session' }
            : { kind: 'app_password', uuid: principal.record.uuid, appId: principal.record.appId },
          service.slug,
        ),
      })
      .send();
  };

  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/auth/verify',
    handler,
  });
}
