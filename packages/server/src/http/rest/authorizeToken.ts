import { findUserById } from '../../accounts/index.js';
import { findApplicationPassword, isAppIdBlocked } from '../../app-passwords/index.js';
import { AuthorizeCodeError, redeemAuthorizeCode } from '../../authorize-app/index.js';
import { addressLimitKey, clientIp } from '../clientAddress.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../errors.js';
import type { ArgSpecs } from './args.js';
import { applicationPasswordsAvailableFor, tooManyFailures } from './auth.js';
import { restEndpoint, type RestRegistry } from './registry.js';

const TOKEN_ARGS = {
  code: {
    type: 'string',
    required: true,
    description: 'The one-time code appended to the success_url (valid 60 seconds, single use).',
  },
  code_verifier: {
    type: 'string',
    default: '',
    description: 'The PKCE verifier, when the authorize request carried a code_challenge (S256).',
  },
  app_id: {
    type: 'string',
    default: '',
    description: 'The app_id of the authorize request ("" when it had none).',
  },
  success_url: {
    type: 'string',
    default: '',
    description: 'The success_url of the authorize request, exactly as it was sent.',
  },
} satisfies ArgSpecs;

/**
 * **[ours]** `POST latchkey/v1/authorize/token`: exchanges the code of a `response_type=code`
 * hand-off for the credentials, so the password never travels in a URL (browser history, proxy
 * logs, Referer). No authentication: the code is the credential, bound to the app_id, the
 * success_url and, with PKCE, to the verifier only the app holds.
 *
 * Declared tier `content` only so that it is reachable whatever credential a client happens to
 * send along: it grants nothing to the caller's own credential.
 */
export function registerAuthorizeTokenRoute(ctx: AppContext, registry: RestRegistry): void {
  const invalid = () => new HttpError(400, 'latchkey_invalid_code', 'The code is not valid.');
  registry.register({
    namespace: 'latchkey/v1',
    tier: 'content',
    route: '/authorize/token',
    endpoints: [
      restEndpoint({
        methods: ['POST'],
        args: TOKEN_ARGS,
        handler: async (req) => {
          if (!(await applicationPasswordsAvailableFor(ctx, req.raw)))
            throw new HttpError(
              501,
              'application_passwords_disabled',
              'Application passwords are not available.',
            );
          const addressKey = addressLimitKey(clientIp(req.raw));
          const limit = await ctx.limiters.credentialFailures.check(addressKey);
          if (!limit.allowed) throw tooManyFailures(limit.retryAfterSeconds);
          let redeemed;
          try {
            redeemed = await redeemAuthorizeCode(
              ctx.db,
              ctx.keys.codes,
              {
                code: req.args.code,
                codeVerifier: req.args.code_verifier,
                appId: req.args.app_id,
                successUrl: req.args.success_url,
              },
              ctx.now(),
            );
          } catch (error) {
            // A refused code is a failed credential for the address (SPEC §7).
            if (error instanceof AuthorizeCodeError) {
              const counted = await ctx.limiters.credentialFailures.recordFailure(addressKey);
              if (!counted.allowed) throw tooManyFailures(counted.retryAfterSeconds);
            }
            throw error;
          }
          // Revoked, or its owner disabled, in the minute since approval: nothing to hand out.
          const user = await findUserById(ctx.db, redeemed.userId);
          if (!user || user.disabled) throw invalid();
          const record = await findApplicationPassword(ctx.db, user.id, redeemed.appPasswordUuid);
          if (!record) throw invalid();
          if (await isAppIdBlocked(ctx.db, record.appId))
            throw new HttpError(
              403,
              'latchkey_app_blocked',
              'This application has been blocked by the site administrator.',
            );
          return {
            body: {
              site_url: ctx.config.siteUrl,
              user_login: user.login,
              password: redeemed.password,
            },
            headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
          };
        },
      }),
    ],
  });
}
