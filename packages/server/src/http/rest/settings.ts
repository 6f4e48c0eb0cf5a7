import { can } from '../../accounts/index.js';
import { readSettings } from '../../settings/index.js';
import {
  SETTING_NAMES,
  applySettingsChange,
  publicSettings,
  type SettingName,
} from '../../settings/applySettingsChange.js';
import { clientIp } from '../clientAddress.js';
import type { AppContext } from '../../context.js';
import type { ArgSpec } from './args.js';
import { restEndpoint, signedIn, type Permission, type RestRegistry } from './registry.js';
import { denied } from './denied.js';

/** Types for coercion and the index; what a value may be is decided by applySettingsChange. */
const SETTING_ARGS = {
  title: { type: 'string', description: 'Site title.' },
  description: { type: 'string', description: 'Site tagline.' },
  timezone: { type: 'string', description: 'A city in the same timezone as you.' },
  latchkey_email_fallback: {
    type: 'boolean',
    description: 'Offer an emailed code at sign-in to two-factor users with a verified address.',
  },
  latchkey_required_two_factor_roles: {
    type: 'array',
    items: { type: 'string' },
    description: 'Roles whose members must set up two-factor authentication.',
  },
  latchkey_application_passwords: {
    type: 'boolean',
    description: 'Whether application passwords work on this site.',
  },
  latchkey_application_passwords_disabled_roles: {
    type: 'array',
    items: { type: 'string' },
    description: 'Roles whose members may not use application passwords.',
  },
  latchkey_xmlrpc: {
    type: 'boolean',
    description: 'Whether XML-RPC (/xmlrpc.php) answers authenticated methods.',
  },
  latchkey_xmlrpc_account_passwords: {
    type: 'boolean',
    description:
      'Whether XML-RPC accepts the account password of users without two-factor (else only application passwords).',
  },
  users_can_register: { type: 'boolean', description: 'Whether anyone can register.' },
  default_role: {
    type: 'string',
    description: 'Default role of a registered account (never administrator).',
  },
} satisfies Record<SettingName, ArgSpec>;

const mayManageOptions: Permission = (req) =>
  req.auth.user && can(req.auth.user, 'manage_options')
    ? true
    : denied(req, 'rest_forbidden', 'Sorry, you are not allowed to do that.');

/** `wp/v2/settings`: WordPress's site settings route, with Latchkey's own settings beside them. */
export function registerSettingsRoutes(ctx: AppContext, registry: RestRegistry): void {
  registry.register({
    namespace: 'wp/v2',
    route: '/settings',
    tier: 'full',
    endpoints: [
      {
        methods: ['GET'],
        permission: mayManageOptions,
        handler: async () => ({ body: publicSettings(await readSettings(ctx.db)) }),
      },
      restEndpoint({
        methods: ['POST', 'PUT', 'PATCH'],
        args: SETTING_ARGS,
        permission: mayManageOptions,
        handler: async (req) => {
          const actor = signedIn(req);
          const input: Partial<Record<SettingName, unknown>> = {};
          for (const name of SETTING_NAMES) if (name in req.args) input[name] = req.args[name];
          const result = await applySettingsChange({
            db: ctx.db,
            invalidation: ctx.invalidation,
            actor,
            actorUsesTwoFactor: () => ctx.twoFactor.usesTwoFactor(actor),
            input,
            audit: {
              ip: clientIp(req.raw),
              userAgent: String(req.raw.headers['user-agent'] ?? ''),
              credential:
                req.auth.via === 'cookie'
                  ? `session:${req.auth.session?.id}`
                  : req.auth.via === 'application_password'
                    ? `app_password:${req.auth.appPassword?.uuid}`
                    : req.auth.via,
            },
            now: ctx.now(),
          });
          return { body: result.settings };
        },
      }),
    ],
  });
}
