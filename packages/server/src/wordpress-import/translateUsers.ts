import { isIP } from 'node:net';
import { isLegacyAccountHash } from '../accounts/legacyPasswordHash.js';
import type { ImportedUser } from '../accounts/importedUser.js';
import { isRole, roleRank, type Role } from '../accounts/roles.js';
import { isValidEmail, isValidLogin } from '../accounts/validation.js';
import { isValidAppId, sanitizeApplicationPasswordName } from '../app-passwords/format.js';
import { parseWordpressUtc } from './dates.js';
import { phpList, unserializePhp, type PhpValue } from './phpUnserialize.js';
import type { ImportReport } from './report.js';
import type { WordpressSite } from './source.js';
import { readTwoFactorMeta, type TwoFactorMeta } from './twoFactorMeta.js';

export interface ApplicationPasswordPlan {
  uuid: string;
  appId: string;
  name: string;
  /** phpass (WordPress < 6.8) or `$generic$` (6.8+), as stored. */
  passwordHash: string;
  created: number;
  lastUsed: number | null;
  lastIp: string | null;
}

export interface UserPlan {
  wpId: number;
  user: Omit<ImportedUser, 'emailVerifiedAt'>;
  /** The Two-Factor plugin mailed codes to this address: Latchkey must keep doing so. */
  emailVerified: boolean;
  applicationPasswords: ApplicationPasswordPlan[];
  twoFactor: TwoFactorMeta | null;
}

/** Nothing verifies this: a hash in a format Latchkey does not accept (plain MD5…). */
export const UNUSABLE_PASSWORD_HASH = '!wordpress-hash-not-accepted';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function roleOf(
  site: WordpressSite,
  meta: Map<string, string>,
):
  | { role: Role; dropped: string[] }
  | { problem: 'no_role' | 'unknown_role' | 'meta_malformed'; reason: string } {
  const key = `${site.tablePrefix}capabilities`;
  const raw = meta.get(key);
  if (raw === undefined || raw === '')
    return { problem: 'no_role', reason: `no ${key}: the user has no role on this site` };
  let caps: PhpValue;
  try {
    caps = unserializePhp(raw);
  } catch (error) {
    return { problem: 'meta_malformed', reason: `${key}: ${(error as Error).message}` };
  }
  if (!(caps instanceof Map))
    return { problem: 'meta_malformed', reason: `${key} is not an array of roles` };
  const granted = [...caps]
    .filter(([, v]) => v === true || v === 1 || v === '1')
    .map(([k]) => String(k));
  const roles = granted.filter(isRole).sort((a, b) => roleRank(b) - roleRank(a));
  const others = granted.filter((r) => !isRole(r));
  if (roles.length === 0) {
    return granted.length === 0
      ? { problem: 'no_role', reason: `${key} grants no role: the user has no role on this site` }
      : {
          problem: 'unknown_role',
          reason: `role ${others.map((r) => JSON.stringify(r)).join(', ')} is not one of Latchkey's five (administrator, editor, author, contributor, subscriber): give the user one of those in WordPress, or create them in Latchkey`,
        };
  }
  return { role: roles[0]!, dropped: [...roles.slice(1), ...others] };
}

function readApplicationPasswords(
  plan: { login: string },
  raw: string | undefined,
  report: ImportReport,
  now: number,
): ApplicationPasswordPlan[] {
  if (raw === undefined || raw === '') return [];
  let list: PhpValue[] | undefined;
  try {
    list = phpList(unserializePhp(raw));
  } catch (error) {
    report.skip(
      'application_passwords',
      `${plan.login}: all`,
      'meta_malformed',
      `_application_passwords: ${(error as Error).message}; none of this user's application passwords was imported`,
    );
    return [];
  }
  if (!list) {
    report.skip(
      'application_passwords',
      `${plan.login}: all`,
      'meta_malformed',
      '_application_passwords is not a list',
    );
    return [];
  }
  const out: ApplicationPasswordPlan[] = [];
  list.forEach((entry, index) => {
    const bad = (why: string, uuid?: string) =>
      report.skip(
        'application_passwords',
        `${plan.login}: ${uuid ?? `#${index + 1}`}`,
        'application_password_malformed',
        why,
      );
    if (!(entry instanceof Map)) return bad('the record is not an array');
    const field = (k: string) => entry.get(k);
    const uuid = typeof field('uuid') === 'string' ? (field('uuid') as string).toLowerCase() : '';
    if (!UUID.test(uuid)) return bad('uuid is not a UUID');
    const appId =
      typeof field('app_id') === 'string' ? (field('app_id') as string).toLowerCase() : '';
    if (!isValidAppId(appId)) return bad('app_id is neither empty nor a UUID', uuid);
    const name = sanitizeApplicationPasswordName(String(field('name') ?? ''));
    if (name === '') return bad('the name is empty', uuid);
    const hash = field('password');
    if (typeof hash !== 'string' || !(hash.startsWith('$generic$') || isLegacyAccountHash(hash)))
      return bad('the hash is not phpass, bcrypt or $generic$', uuid);
    const seconds = (v: PhpValue | undefined) =>
      typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v * 1000 : null;
    const ip = field('last_ip');
    out.push({
      uuid,
      appId,
      name,
      passwordHash: hash,
      created: seconds(field('created')) ?? now,
      lastUsed: seconds(field('last_used')),
      lastIp: typeof ip === 'string' && isIP(ip) !== 0 ? ip : null,
    });
  });
  return out;
}

/**
 * WordPress users as Latchkey will hold them. A user is left out (and reported) when they cannot
 * be brought over faithfully: no role or a role Latchkey lacks, a login or email Latchkey refuses,
 * or second-factor data that cannot be read or carried over (importing them without the factor
 * they had would sign them in with the password alone).
 */
export function translateUsers(site: WordpressSite, report: ImportReport, now: number): UserPlan[] {
  const plans: UserPlan[] = [];
  const logins = new Set<string>();
  const emails = new Set<string>();
  for (const row of site.users) {
    const meta = site.userMeta.get(row.id) ?? new Map<string, string>();
    const login = row.login.trim();
    const email = row.email.trim();
    const item = login || `#${row.id}`;
    if (!isValidLogin(login)) {
      report.skip(
        'users',
        item,
        'invalid_login',
        'Latchkey does not accept this login (letters, digits, spaces and _ . - @, at most 60)',
      );
      continue;
    }
    if (!isValidEmail(email)) {
      report.skip('users', item, 'invalid_email', 'the email address is empty or not valid');
      continue;
    }
    if (logins.has(login.toLowerCase()) || emails.has(email.toLowerCase())) {
      report.skip(
        'users',
        item,
        'duplicate_in_wordpress',
        'another WordPress user has the same login or email (ignoring case)',
      );
      continue;
    }
    const role = roleOf(site, meta);
    if ('problem' in role) {
      report.skip('users', item, role.problem, role.reason);
      continue;
    }
    if (role.dropped.length > 0)
      report.note(
        `${login}: imported as ${role.role}; also had ${role.dropped.join(', ')} in WordPress, which Latchkey does not keep`,
      );

    const twoFactor = readTwoFactorMeta(meta);
    if (!twoFactor.ok) {
      report.skip(
        'users',
        item,
        'meta_malformed',
        `${twoFactor.reason}: not imported, so as not to sign them in without their second factor; fix the meta in WordPress and import again`,
      );
      continue;
    }
    const tf = twoFactor.meta;
    if (tf && tf.enabled.length === 0) {
      const why = [
        ...tf.unsupported.map((c) => `${c} (not a Latchkey method)`),
        ...tf.dropped.map((d) => `${d.provider} (${d.reason})`),
      ];
      report.skip(
        'users',
        item,
        'two_factor_not_portable',
        `second factor ${why.join(', ') || 'without usable data'} cannot be carried over, and importing them without it would let the password alone sign them in; reset their two-factor in WordPress, or create them in Latchkey`,
      );
      continue;
    }
    if (tf) {
      for (const cls of tf.unsupported)
        report.skip(
          'two_factor',
          `${login}: ${cls}`,
          'provider_unsupported',
          `${cls} is not a Latchkey method (security keys must be registered again in Latchkey); their other methods were imported`,
        );
      for (const d of tf.dropped)
        report.skip(
          'two_factor',
          `${login}: ${d.provider}`,
          'meta_malformed',
          `${d.reason}; their other methods were imported`,
        );
      if (tf.enabled.length === 1 && tf.enabled[0] === 'backup_codes')
        report.note(
          `${login}: recovery codes are their only second factor (Latchkey asks for another method beside them); they keep working until used up`,
        );
    }
    logins.add(login.toLowerCase());
    emails.add(email.toLowerCase());

    let passwordHash = row.pass;
    if (!isLegacyAccountHash(passwordHash)) {
      passwordHash = UNUSABLE_PASSWORD_HASH;
      report.note(
        `${login}: the password hash is in a format Latchkey does not accept; they must set a new password (lost-password page, or latchkey user set-password)`,
      );
    }
    const metaText = (k: string) => (meta.get(k) ?? '').trim();
    plans.push({
      wpId: row.id,
      user: {
        login,
        email,
        displayName: row.displayName.trim() || login,
        firstName: metaText('first_name').slice(0, 250),
        lastName: metaText('last_name').slice(0, 250),
        nickname: (metaText('nickname') || login).slice(0, 250),
        description: metaText('description'),
        url: row.url.trim().slice(0, 2048),
        role: role.role,
        passwordHash,
        registered: parseWordpressUtc(row.registered) ?? now,
      },
      emailVerified: tf?.enabled.includes('email') ?? false,
      applicationPasswords: readApplicationPasswords(
        { login },
        meta.get('_application_passwords'),
        report,
        now,
      ),
      twoFactor: tf,
    });
  }
  return plans;
}
