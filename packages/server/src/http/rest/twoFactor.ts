import { noticeDeps, sendSecurityNotice } from '../../notices/index.js';
import { sessionCookieHeader } from '../browserAuth.js';
import { can, findUserById, INTERACTIVE_ONLY, type User } from '../../accounts/index.js';
import { endAllSessions } from '../../sessions/index.js';
import { STEP_UP_WINDOW_MS, isProviderId, type ProviderId } from '../../two-factor/index.js';
import { clientIp } from '../clientAddress.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../errors.js';
import {
  afterBackupCodesGenerated,
  afterTwoFactorDisabled,
  afterTwoFactorEnabled,
  auditTwoFactor,
  type TwoFactorActor,
} from '../twoFactorEffects.js';
import type { ArgSpecs, ArgValues } from './args.js';
import {
  restEndpoint,
  signedIn,
  type NoArgs,
  type RestEndpoint,
  type RestRegistry,
  type RestRequest,
  type RestResult,
} from './registry.js';

const USER_ID = '(?P<user_id>(?:[\\d]+|me))';
const USER_ARG = { user_id: { type: 'string' } } satisfies ArgSpecs;
const CODE_ARG = { code: { type: 'string', required: true } } satisfies ArgSpecs;

/** One endpoint under a user's two-factor route: `run` gets the user whose factors it manages. */
interface FactorEndpoint<Specs extends ArgSpecs> {
  methods: RestEndpoint['methods'];
  args?: Specs;
  mode: 'read' | 'enrol' | 'reset';
  run: (req: RestRequest<ArgValues<Specs>>, owner: User) => Promise<RestResult>;
}

/**
 * Managing one's own second factors: a browser session only (never an application password),
 * a recent sign-in for every change (step-up), WordPress's 401/403 rules otherwise.
 */
export function registerTwoFactorRoutes(ctx: AppContext, registry: RestRegistry): void {
  const tf = ctx.twoFactor;
  const actor = (req: RestRequest): TwoFactorActor => ({
    actorId: req.auth.user?.id ?? null,
    session: req.auth.session,
    ip: clientIp(req.raw),
    userAgent: String(req.raw.headers['user-agent'] ?? ''),
    credential: req.auth.session ? `session:${req.auth.session.id}` : req.auth.via,
  });

  const owner = async (req: RestRequest, mode: 'read' | 'enrol' | 'reset'): Promise<User> => {
    const actor = req.auth.user;
    if (!actor) throw new HttpError(401, 'rest_not_logged_in', 'You are not currently logged in.');
    if (req.auth.via === 'application_password' || !req.auth.session)
      throw new HttpError(403, INTERACTIVE_ONLY.code, INTERACTIVE_ONLY.message);
    const target =
      req.args.user_id === 'me' ? actor : await findUserById(ctx.db, Number(req.args.user_id));
    if (!target) throw new HttpError(404, 'rest_user_invalid_id', 'Invalid user ID.');
    const self = target.id === actor.id;
    // A session that may only enrol acts on nothing but its own factors.
    if (!self && req.auth.session.enrolmentOnly) {
      throw new HttpError(
        403,
        'latchkey_enrolment_required',
        'Set up two-factor authentication first: it is required for your account.',
      );
    }
    // Administrators see and reset others' factors, but never enrol them.
    if (
      !self &&
      (mode === 'enrol' ||
        !can(actor, { capability: 'edit_user', user: target }) ||
        !can(actor, 'edit_users'))
    ) {
      throw new HttpError(403, 'rest_forbidden', 'Sorry, you are not allowed to do that.');
    }
    if (req.method !== 'GET' && ctx.now() - req.auth.session.authenticatedAt > STEP_UP_WINDOW_MS) {
      throw new HttpError(
        403,
        'latchkey_reauth_required',
        'Confirm your identity again to change two-factor settings.',
        {
          reauth_url: `/login/reauth?redirect_to=${encodeURIComponent('/account/two-factor')}`,
        },
      );
    }
    return target;
  };

  const status = async (user: User) => ({ body: await tf.status(user) });

  /** After enabling: a session limited to enrolment becomes a full one. */
  const enabled = async (req: RestRequest, user: User, provider: ProviderId) => {
    const token = await afterTwoFactorEnabled(ctx, actor(req), user, provider);
    const result = await status(user);
    if (!token || !req.auth.session) return result;
    const cookie = sessionCookieHeader(ctx, req.raw, token, req.auth.session.remember);
    return { ...result, headers: { 'set-cookie': cookie } };
  };
  /** After disabling: the user's other sessions end (whoever held them must sign in again). */
  const disabled = async (req: RestRequest, user: User, provider: ProviderId) => {
    await afterTwoFactorDisabled(ctx, actor(req), user, provider);
    return status(user);
  };

  const factor = <const Specs extends ArgSpecs = NoArgs>(e: FactorEndpoint<Specs>): RestEndpoint =>
    restEndpoint<Specs>({
      methods: e.methods,
      args: e.args,
      handler: async (req) => e.run(req, await owner(req, e.mode)),
    });
  const route = (path: string, endpoints: RestEndpoint[]) =>
    registry.register({
      namespace: 'latchkey/v1',
      tier: 'full',
      route: `/users/${USER_ID}/two-factor${path}`,
      // Each names its user in the path (`user_id`), which owner() reads.
      endpoints: endpoints.map((e) => ({ ...e, args: { ...USER_ARG, ...e.args } })),
    });

  route('', [
    factor({ methods: ['GET'], mode: 'read', run: async (_req, user) => status(user) }),
    factor({
      methods: ['DELETE'],
      mode: 'reset',
      run: async (req, user) => {
        const caller = signedIn(req);
        if (user.id === caller.id && !can(caller, 'edit_users'))
          throw new HttpError(403, 'rest_forbidden', 'Sorry, you are not allowed to do that.');
        await tf.reset(user);
        const ended = await endAllSessions(ctx.db, user.id);
        await auditTwoFactor(ctx, actor(req), 'two_factor.reset', user, { sessions_ended: ended });
        sendSecurityNotice(
          noticeDeps(ctx),
          user,
          { kind: 'factor_removed', method: 'Every method (a reset)', byAdministrator: true },
          actor(req),
        );
        return status(user);
      },
    }),
  ]);
  route('/totp', [
    factor({
      methods: ['POST'],
      mode: 'enrol',
      run: async (req, user) => ({ body: await tf.beginTotpSetup(user, req.auth.session!.id) }),
    }),
    factor({
      methods: ['PUT'],
      args: CODE_ARG,
      mode: 'enrol',
      run: async (req, user) => {
        await tf.confirmTotp(user, req.auth.session!.id, req.args.code);
        return enabled(req, user, 'totp');
      },
    }),
    factor({
      methods: ['DELETE'],
      mode: 'enrol',
      run: async (req, user) => (await tf.disable(user, 'totp'), disabled(req, user, 'totp')),
    }),
  ]);
  route('/email', [
    factor({
      methods: ['POST'],
      mode: 'enrol',
      run: async (req, user) => {
        await tf.sendProofCode(user, clientIp(req.raw));
        return { body: { sent: true } };
      },
    }),
    factor({
      methods: ['PUT'],
      args: CODE_ARG,
      mode: 'enrol',
      run: async (req, user) => {
        await tf.confirmProofCode(user, req.args.code, true);
        return enabled(req, user, 'email');
      },
    }),
    factor({
      methods: ['DELETE'],
      mode: 'enrol',
      run: async (req, user) => (await tf.disable(user, 'email'), disabled(req, user, 'email')),
    }),
  ]);
  route('/backup-codes', [
    factor({
      methods: ['POST'],
      mode: 'enrol',
      run: async (req, user) => {
        const result = await tf.regenerateBackupCodes(user);
        await afterBackupCodesGenerated(ctx, actor(req), user);
        return { body: result };
      },
    }),
    factor({
      methods: ['DELETE'],
      mode: 'enrol',
      run: async (req, user) => (
        await tf.disable(user, 'backup_codes'),
        disabled(req, user, 'backup_codes')
      ),
    }),
  ]);
  route('/webauthn/options', [
    factor({
      methods: ['POST'],
      mode: 'enrol',
      run: async (req, user) => ({
        body: await tf.webauthnRegistrationOptions(user, req.auth.session!.id),
      }),
    }),
  ]);
  route('/webauthn', [
    factor({
      methods: ['POST'],
      args: {
        name: { type: 'string', maxLength: 100, default: 'Security key' },
        response: { type: ['string', 'object'], required: true },
      },
      mode: 'enrol',
      run: async (req, user) => {
        await tf.webauthnRegister(user, req.auth.session!.id, req.args.name, req.args.response);
        return enabled(req, user, 'webauthn');
      },
    }),
  ]);
  route('/webauthn/(?P<credential_id>[A-Za-z0-9_-]{1,512})', [
    factor({
      methods: ['DELETE'],
      args: { credential_id: { type: 'string' } },
      mode: 'enrol',
      run: async (req, user) => {
        if (!(await tf.webauthnRemove(user, String(req.args.credential_id))))
          throw new HttpError(404, 'latchkey_webauthn_not_found', 'Security key not found.');
        return disabled(req, user, 'webauthn');
      },
    }),
  ]);
  route('/primary', [
    factor({
      methods: ['PUT'],
      args: { provider: { type: 'string', required: true } },
      mode: 'enrol',
      run: async (req, user) => {
        if (!isProviderId(req.args.provider))
          throw new HttpError(400, 'rest_invalid_param', 'Invalid parameter(s): provider', {
            params: { provider: 'Unknown provider.' },
          });
        await tf.setPrimary(user, req.args.provider);
        return status(user);
      },
    }),
  ]);
}
