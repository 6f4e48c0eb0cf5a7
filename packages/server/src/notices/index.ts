import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { User } from '../accounts/index.js';
import { securityNoticeMail, type Mailer, type SecurityNotice } from '../mail/index.js';
import { readSettings } from '../settings/index.js';
import type { Database } from '../store/index.js';

export type { SecurityNotice } from '../mail/index.js';

export interface NoticeDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  siteUrl: string;
  logger: Logger;
  now(): number;
}

/** How far back a device and address count as known for the new-sign-in mail (SPEC §6.5). */
export const KNOWN_DEVICE_WINDOW_MS = 90 * 24 * 3600 * 1000;

const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bChrom(?:e|ium)\/|\bCriOS\//, 'Chrome'],
  [/\bSafari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/\bAndroid\b/, 'Android'],
  [/\biPhone\b|\biPad\b|\biOS\b/, 'iOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bLinux\b/, 'Linux'],
];

/**
 * The device a user agent names, as coarse as "Firefox on Linux": versions change with every
 * update and must not make a known browser look new. Anything unrecognised is its first 60
 * characters (command-line clients, test harnesses).
 */
export function deviceFamily(userAgent: string): string {
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1];
  if (browser || system)
    return `${browser ?? 'Unknown browser'} on ${system ?? 'an unknown system'}`;
  return userAgent.trim().slice(0, 60) || 'Unknown device';
}

/**
 * Whether a sign-in from `ip` with `userAgent` is from a device and address the account has
 * signed in from in the last 90 days, read from its `login.success` audit events: "new" is
 * the pair (device family, address) not seen. An account that never signed in before has
 * nothing to compare with and counts as known (its first sign-in is no news to its owner).
 */
export async function isKnownDevice(
  db: Kysely<Database>,
  userId: number,
  ip: string,
  userAgent: string,
  now: number,
): Promise<boolean> {
  const family = deviceFamily(userAgent);
  const recent = await db
    .selectFrom('audit_events')
    .select(['ip', 'user_agent'])
    .where('user_id', '=', userId)
    .where('event', '=', 'login.success')
    .where('time', '>', now - KNOWN_DEVICE_WINDOW_MS)
    .orderBy('time', 'desc')
    .limit(1000)
    .execute();
  if (recent.some((r) => r.ip === ip && deviceFamily(r.user_agent) === family)) return true;
  if (recent.length > 0) return false;
  const ever = await db
    .selectFrom('audit_events')
    .select('id')
    .where('user_id', '=', userId)
    .where('event', '=', 'login.success')
    .limit(1)
    .executeTakeFirst();
  return ever === undefined;
}

/**
 * Mails the owner a security notice, in the background: the change has happened, and a slow
 * or failing mail server must neither delay nor undo it (failures are logged). The mailer waits
 * for pending messages at shutdown.
 */
export function sendSecurityNotice(
  deps: NoticeDeps,
  user: Pick<User, 'id' | 'login' | 'email'>,
  notice: SecurityNotice,
  origin: { ip: string | null },
): void {
  void mailSecurityNotice(deps, user, notice, origin).catch((err: unknown) =>
    deps.logger.warn(
      { err, user: user.id, notice: notice.kind },
      'could not send a security notice',
    ),
  );
}

/** The same, awaited (the command line waits for its mail before it exits). */
export async function mailSecurityNotice(
  deps: NoticeDeps,
  user: Pick<User, 'id' | 'login' | 'email'>,
  notice: SecurityNotice,
  origin: { ip: string | null },
): Promise<void> {
  {
    const { title } = await readSettings(deps.db);
    const content = securityNoticeMail(
      {
        siteName: title,
        siteUrl: deps.siteUrl,
        userLogin: user.login,
        ip: origin.ip,
        time: new Date(deps.now()),
      },
      notice,
    );
    await deps.mailer.send({ to: user.email, ...content });
  }
}

/** The deps of sendSecurityNotice from the request context. */
export function noticeDeps(ctx: {
  db: Kysely<Database>;
  mailer: Mailer;
  config: { siteUrl: string };
  logger: Logger;
  now(): number;
}): NoticeDeps {
  return {
    db: ctx.db,
    mailer: ctx.mailer,
    siteUrl: ctx.config.siteUrl,
    logger: ctx.logger,
    now: () => ctx.now(),
  };
}

/** How a second-factor method is named in mail. */
export const METHOD_NAMES: Record<string, string> = {
  totp: 'Authenticator app',
  email: 'Email codes',
  backup_codes: 'Recovery codes',
  webauthn: 'Security key',
};
