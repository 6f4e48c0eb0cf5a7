import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

export interface SiteSettings {
  title: string;
  description: string;
  timezone: string;
  /** Site-wide switch for application passwords. */
  applicationPasswordsEnabled: boolean;
  /** Roles whose members may not use application passwords. */
  applicationPasswordsDisabledRoles: string[];
  /** Offer an emailed code at sign-in to two-factor users with a verified address. */
  emailFallback: boolean;
  /** Roles whose members must enrol a second factor. */
  requiredTwoFactorRoles: string[];
  /** XML-RPC (`/xmlrpc.php`) answers authenticated methods; off → fault 405. */
  xmlrpcEnabled: boolean;
  /** XML-RPC accepts the account password of users without two-factor (else only APs). */
  xmlrpcAccountPasswords: boolean;
  /** Anyone may register at /register (SPEC §12; WordPress's `users_can_register`). */
  usersCanRegister: boolean;
  /** The role of a registered account (WordPress's `default_role`); never administrator. */
  defaultRole: string;
}

export const DEFAULT_SETTINGS: Readonly<SiteSettings> = Object.freeze({
  title: 'Latchkey',
  description: 'Authentication for APIs',
  timezone: 'UTC',
  applicationPasswordsEnabled: true,
  applicationPasswordsDisabledRoles: [],
  emailFallback: true,
  requiredTwoFactorRoles: [],
  xmlrpcEnabled: true,
  xmlrpcAccountPasswords: true,
  usersCanRegister: false,
  defaultRole: 'subscriber',
});

/**
 * Read on most requests, so kept in memory. Every settings write empties it on every node
 * through the invalidation bus (`forgetCachedSettings`), and entries lapse after a few seconds
 * in any case, so a node that missed an announcement is never wrong for longer than that.
 */
const CACHE_TTL_MS = 5000;
let cache = new WeakMap<object, { at: number; value: SiteSettings }>();

/** Drops the settings every store handle holds, so the next read goes to the store. */
export function forgetCachedSettings(): void {
  cache = new WeakMap();
}

export async function readSettings(db: Kysely<Database>): Promise<SiteSettings> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.value;
  const rows = await db.selectFrom('settings').selectAll().execute();
  const out: SiteSettings = {
    ...DEFAULT_SETTINGS,
    applicationPasswordsDisabledRoles: [],
    requiredTwoFactorRoles: [],
  };
  for (const row of rows) {
    if (!(row.name in DEFAULT_SETTINGS)) continue;
    try {
      const value: unknown = JSON.parse(row.value);
      const expected = DEFAULT_SETTINGS[row.name as keyof SiteSettings];
      if (Array.isArray(expected) ? Array.isArray(value) : typeof value === typeof expected) {
        (out as unknown as Record<string, unknown>)[row.name] = value;
      }
    } catch {
      // A damaged value falls back to the default rather than taking the site down.
    }
  }
  cache.set(db, { at: Date.now(), value: out });
  return out;
}

export async function writeSettings(
  db: Kysely<Database>,
  changes: Partial<SiteSettings>,
): Promise<void> {
  await db.transaction().execute((tx) => writeSettingRows(tx, changes));
  forgetCachedSettings();
}

/**
 * The rows alone, for a caller already inside its own transaction (import-wordpress). Another
 * process serving the same store sees the change once its short cache expires.
 */
export async function writeSettingRows(
  db: Kysely<Database>,
  changes: Partial<SiteSettings>,
): Promise<void> {
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || !(name in DEFAULT_SETTINGS)) continue;
    const text = JSON.stringify(value);
    await db
      .insertInto('settings')
      .values({ name, value: text })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: text }))
      .execute();
  }
}
