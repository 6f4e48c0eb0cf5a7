import { can } from '../../accounts/index.js';
import { recordAuditEvent } from '../../audit/index.js';
import type { AppContext } from '../../context.js';
import {
  addService,
  findService,
  listServices,
  parseNewService,
  removeService,
  serviceShape,
} from '../../services/index.js';
import { HttpError } from '../errors.js';
import { requestOrigin } from './appPasswords/credentialAudit.js';
import { denied } from './denied.js';
import { restEndpoint, signedIn, type Permission, type RestRegistry } from './registry.js';

const manageOptions: Permission = (req) =>
  req.auth.user && can(req.auth.user, 'manage_options')
    ? true
    : denied(req, 'rest_forbidden', 'Sorry, you are not allowed to do that.');

const SLUG = '(?P<slug>[a-z0-9-]{1,64})';

const notFound = () =>
  new HttpError(404, 'latchkey_service_not_found', 'There is no service with this slug.');

/** [ours] `latchkey/v1/services`: the services guarded by forward authentication (SPEC §11). */
export function registerServiceRoutes(ctx: AppContext, registry: RestRegistry): void {
  registry.register({
    tier: 'full',
    namespace: 'latchkey/v1',
    route: '/services',
    endpoints: [
      {
        methods: ['GET'],
        permission: manageOptions,
        handler: async () => ({ body: (await listServices(ctx.db)).map(serviceShape) }),
      },
      restEndpoint({
        methods: ['POST'],
        args: {
          slug: {
            type: 'string',
            required: true,
            description: 'Lowercase letters, digits, dashes.',
          },
          name: {
            type: 'string',
            required: true,
            description: 'Shown to people; the Basic realm.',
          },
          hosts: {
            type: 'array',
            items: { type: 'string' },
            required: true,
            description:
              'Exact host names, each with an optional path prefix (api.example.com/v1).',
          },
          roles: {
            type: 'array',
            items: { type: 'string' },
            default: [],
            description: 'Roles admitted (after a password’s role ceiling); empty: any role.',
          },
          capability: { type: 'string', description: 'A capability admitted users must have.' },
          browser: {
            type: 'boolean',
            default: false,
            description: 'Accept session cookies and send signed-out browsers to sign in.',
          },
          two_factor: {
            type: 'string',
            enum: ['required', 'if_enrolled'],
            default: 'if_enrolled',
            description: 'Whether people signed in with a session must use a second factor.',
          },
          scope: {
            type: 'string',
            enum: ['full', 'content'],
            default: 'full',
            description: 'The least scope an application password needs.',
          },
        },
        permission: manageOptions,
        handler: async (req) => {
          const service = await addService(ctx.db, parseNewService(req.args), ctx.now());
          await recordAuditEvent(
            ctx.db,
            {
              ...requestOrigin(req),
              event: 'service.created',
              userId: signedIn(req).id,
              details: { slug: service.slug },
            },
            ctx.now(),
          );
          return {
            status: 201,
            body: serviceShape(service),
            headers: {
              location: `${ctx.config.siteUrl}/wp-json/latchkey/v1/services/${service.slug}`,
            },
          };
        },
      }),
    ],
  });

  registry.register({
    tier: 'full',
    namespace: 'latchkey/v1',
    route: `/services/${SLUG}`,
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: { slug: { type: 'string' } },
        permission: manageOptions,
        handler: async (req) => {
          const service = await findService(ctx.db, String(req.args.slug));
          if (!service) throw notFound();
          return { body: serviceShape(service) };
        },
      }),
      restEndpoint({
        methods: ['DELETE'],
        args: { slug: { type: 'string' } },
        permission: manageOptions,
        handler: async (req) => {
          const slug = String(req.args.slug);
          const service = await findService(ctx.db, slug);
          if (!service || !(await removeService(ctx.db, slug))) throw notFound();
          await recordAuditEvent(
            ctx.db,
            {
              ...requestOrigin(req),
              event: 'service.removed',
              userId: signedIn(req).id,
              details: { slug },
            },
            ctx.now(),
          );
          return { body: { deleted: true, previous: serviceShape(service) } };
        },
      }),
    ],
  });
}
