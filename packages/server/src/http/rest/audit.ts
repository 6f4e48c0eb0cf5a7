import { can } from '../../accounts/index.js';
import { listAuditEvents } from '../../audit/index.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../errors.js';
import { restDate } from './appPasswordShape.js';
import { restEndpoint, signedIn, type RestRegistry } from './registry.js';

/** Security events: everyone reads their own, administrators everyone's (SPEC §6.4, §10). */
export function registerAuditRoutes(ctx: AppContext, registry: RestRegistry): void {
  registry.register({
    namespace: 'latchkey/v1',
    route: '/audit',
    tier: 'full',
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: {
          page: { type: 'integer', default: 1, minimum: 1, maximum: 1_000_000 },
          per_page: { type: 'integer', default: 20, minimum: 1, maximum: 100 },
          user: {
            type: 'integer',
            minimum: 1,
            description: 'Administrators: only this user’s events.',
          },
        },
        permission: (req) =>
          req.auth.user
            ? true
            : new HttpError(401, 'rest_not_logged_in', 'You are not currently logged in.'),
        handler: async (req) => {
          const actor = signedIn(req);
          const admin = can(actor, 'manage_options');
          const wanted = req.args.user;
          if (wanted !== undefined && wanted !== actor.id && !admin) {
            throw new HttpError(403, 'rest_forbidden', 'Sorry, you are not allowed to do that.');
          }
          const userId = admin ? wanted : actor.id;
          const perPage = req.args.per_page;
          const { events, total } = await listAuditEvents(ctx.db, {
            ...(userId !== undefined ? { userId } : {}),
            page: req.args.page,
            perPage,
          });
          return {
            body: events.map((e) => ({
              id: e.id,
              time: restDate(e.time),
              event: e.event,
              user_id: e.userId,
              ip: e.ip,
              user_agent: e.userAgent,
              credential: e.credential,
              details: e.details,
            })),
            headers: {
              'x-wp-total': String(total),
              'x-wp-totalpages': String(Math.ceil(total / perPage)),
            },
          };
        },
      }),
    ],
  });
}
