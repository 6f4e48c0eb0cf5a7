import type { Kysely } from 'kysely';
import { ROLE_NAMES, isRole, type Role, type User } from '../accounts/index.js';
import { recordAuditEvent } from '../audit/index.js';
import type { Database } from '../store/index.js';
import type { InvalidationBus } from '../invalidation/index.js';
import { readSettings, writeSettings, type SiteSettings } from './index.js';
import { LatchkeyError } from '../errors/index.js';

/**
 * The site settings as `wp/v2/settings` and `/admin/settings` name them (WordPress's names where
 * WordPress has the setting), mapped to the stored keys.
 */
export const SETTING_FIELDS = {
  title: 'title',
  description: 'description',
  timezone: 'timezone',
  latchkey_email_fallback: 'emailFallback',
  latchkey_required_two_factor_roles: 'requiredTwoFactorRoles',
  latchkey_application_passwords: 'applicationPasswordsEnabled',
  latchkey_application_passwords_disabled_roles: 'applicationPasswordsDisabledRoles',
  latchkey_xmlrpc: 'xmlrpcEnabled',
  latchkey_xmlrpc_account_passwords: 'xmlrpcAccountPasswords',
  users_can_register: 'usersCanRegister',
  default_role: 'defaultRole',
} as const satisfies Record<string, keyof SiteSettings>;

export type SettingName = keyof typeof SETTING_FIELDS;
export const SETTING_NAMES = Object.keys(SETTING_FIELDS) as SettingName[];

export type PublicSettings = {
  [K in SettingName]: SiteSettings[(typeof SETTING_FIELDS)[K]];
};

export const TITLE_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 500;

/** Time zones a site may use: the IANA names this runtime knows, plus `UTC`. */
export function timezoneNames(): string[] {
  const names = Intl.supportedValuesOf('timeZone');
  return names.includes('UTC') ? names : ['UTC', ...names];
}
let knownZones: Set<string> | undefined;
/**
 * An IANA zone name this runtime can use. The runtime's list holds only one name per zone
 * (`Asia/Calcutta`, `Europe/Kiev`), but WordPress sites store the current ones (`Asia/Kolkata`,
 * `Europe/Kyiv`), so any name the runtime resolves is accepted too; offsets are not zone names.
 */
export function isTimezone(value: string): boolean {
  knownZones ??= new Set(timezoneNames());
  if (knownZones.has(value)) return true;
  // IANA's spelling: each part capitalised (`Europe/Kyiv`, `America/Argentina/Buenos_Aires`).
  if (!/^[A-Z][A-Za-z0-9_+-]*(?:\/[A-Z][A-Za-z0-9_+-]*){1,2}$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export function publicSettings(settings: SiteSettings): PublicSettings {
  const out: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const value = settings[SETTING_FIELDS[name]];
    out[name] = Array.isArray(value) ? [...value] : value;
  }
  return out as PublicSettings;
}

/** A refused change: `params` names each bad setting with the reason (REST's `data.params`). */
export type SettingsErrorCode = 'rest_invalid_param' | 'latchkey_requires_own_second_factor';

export class SettingsError extends LatchkeyError<SettingsErrorCode> {
  constructor(
    code: SettingsErrorCode,
    message: string,
    readonly params: Record<string, string> = {},
  ) {
    super(code, message, code === 'rest_invalid_param' ? { params } : {});
  }
}

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

function text(name: string, value: unknown, max: number, required: boolean) {
  if (typeof value !== 'string') return { problem: `${name} is not of type string.` };
  const trimmed = value.trim();
  if (CONTROL.test(trimmed)) return { problem: `${name} must not contain control characters.` };
  if ([...trimmed].length > max)
    return { problem: `${name} must be at most ${max} characters long.` };
  if (required && trimmed === '') return { problem: `${name} must not be empty.` };
  return { value: trimmed };
}

function roles(name: string, value: unknown) {
  if (!Array.isArray(value)) return { problem: `${name} is not of type array.` };
  for (const [i, item] of value.entries()) {
    if (!isRole(item)) return { problem: `${name}[${i}] is not one of ${ROLE_NAMES.join(', ')}.` };
  }
  // One entry per role, highest first: the stored list does not depend on how it was sent.
  return { value: ROLE_NAMES.filter((r) => (value as unknown[]).includes(r)) as Role[] };
}

/**
 * Checks proposed values (by public name; absent names are left alone) and turns them into
 * stored settings. Every bad value is reported, not only the first.
 */
export function validateSettingsChange(input: Partial<Record<SettingName, unknown>>): {
  changes: Partial<SiteSettings>;
} {
  const changes: Partial<SiteSettings> = {};
  const params: Record<string, string> = {};
  const take = (name: SettingName, result: { value?: unknown; problem?: string }) => {
    if (result.problem !== undefined) params[name] = result.problem;
    else (changes as Record<string, unknown>)[SETTING_FIELDS[name]] = result.value;
  };
  for (const name of SETTING_NAMES) {
    const value = input[name];
    if (value === undefined) continue;
    switch (name) {
      case 'title':
        take(name, text(name, value, TITLE_MAX_LENGTH, true));
        break;
      case 'description':
        take(name, text(name, value, DESCRIPTION_MAX_LENGTH, false));
        break;
      case 'timezone':
        take(
          name,
          typeof value !== 'string'
            ? { problem: `${name} is not of type string.` }
            : isTimezone(value)
              ? { value }
              : { problem: `${name} is not a known time zone (for example UTC or Europe/Paris).` },
        );
        break;
      case 'latchkey_email_fallback':
      case 'latchkey_application_passwords':
      case 'latchkey_xmlrpc':
      case 'latchkey_xmlrpc_account_passwords':
      case 'users_can_register':
        take(
          name,
          typeof value === 'boolean' ? { value } : { problem: `${name} is not of type boolean.` },
        );
        break;
      case 'latchkey_required_two_factor_roles':
      case 'latchkey_application_passwords_disabled_roles':
        take(name, roles(name, value));
        break;
      case 'default_role':
        // SPEC §12: whoever registers never becomes an administrator.
        take(
          name,
          typeof value !== 'string'
            ? { problem: `${name} is not of type string.` }
            : !isRole(value) || value === 'administrator'
              ? {
                  problem: `${name} is not one of ${ROLE_NAMES.filter((r) => r !== 'administrator').join(', ')}.`,
                }
              : { value },
        );
        break;
    }
  }
  const invalid = Object.keys(params);
  if (invalid.length > 0)
    throw new SettingsError(
      'rest_invalid_param',
      `Invalid parameter(s): ${invalid.join(', ')}`,
      params,
    );
  return { changes };
}

export interface SettingsChangeRequest {
  db: Kysely<Database>;
  /** Where the change is announced so that every node drops the settings it holds. */
  invalidation: Pick<InvalidationBus, 'everythingChanged'>;
  actor: User;
  /** Whether the acting user has a second factor (the required-two-factor rule). */
  actorUsesTwoFactor: () => Promise<boolean>;
  input: Partial<Record<SettingName, unknown>>;
  /** Who acted, for the audit row. */
  audit: { ip: string; userAgent: string; credential: string };
  now: number;
}

export interface SettingsChangeResult {
  settings: PublicSettings;
  /** Public names of the settings whose value changed (nothing is written or audited when empty). */
  changed: SettingName[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Validates, applies the rules between settings, writes what changed and records one
 * `settings.changed` audit event naming the changes with their old and new values.
 */
export async function applySettingsChange(
  request: SettingsChangeRequest,
): Promise<SettingsChangeResult> {
  const { db, actor } = request;
  const { changes } = validateSettingsChange(request.input);
  const current = await readSettings(db);
  const changed = SETTING_NAMES.filter((name) => {
    const key = SETTING_FIELDS[name];
    return changes[key] !== undefined && !same(changes[key], current[key]);
  });

  // SPEC §6.2: nobody locks the administrators behind a factor the acting one does not have.
  const requiresAdmins = (list: readonly string[]) => list.includes('administrator');
  if (
    changes.requiredTwoFactorRoles !== undefined &&
    requiresAdmins(changes.requiredTwoFactorRoles) &&
    !requiresAdmins(current.requiredTwoFactorRoles) &&
    !(await request.actorUsesTwoFactor())
  ) {
    throw new SettingsError(
      'latchkey_requires_own_second_factor',
      'Set up two-factor authentication for your own account before requiring it for administrators: otherwise you would lock yourself out.',
      {
        latchkey_required_two_factor_roles:
          'Requiring two-factor for administrators needs a second factor on your own account first.',
      },
    );
  }

  if (changed.length === 0) return { settings: publicSettings(current), changed };
  const write: Partial<SiteSettings> = {};
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const name of changed) {
    const key = SETTING_FIELDS[name];
    (write as Record<string, unknown>)[key] = changes[key];
    before[name] = current[key];
    after[name] = changes[key];
  }
  await writeSettings(db, write);
  // The rows' statements announced the change before their transaction committed; once more
  // now, so no node can keep what it re-read in between (SPEC §11: before the response).
  await request.invalidation.everythingChanged();
  await recordAuditEvent(
    db,
    {
      event: 'settings.changed',
      userId: actor.id,
      ...request.audit,
      details: { by: actor.id, changed, old: before, new: after },
    },
    request.now,
  );
  return { settings: publicSettings(await readSettings(db)), changed };
}
