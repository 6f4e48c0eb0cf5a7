import type { Kysely, Selectable } from 'kysely';
import { toUser, type User } from '../accounts/index.js';
import { compiledOnce, type Database } from '../store/index.js';
import type { ApplicationPasswordsTable, UsersTable } from '../store/schema.js';
import type { CredentialCache } from './credentialCache.js';
import { normalizePresentedPassword } from './format.js';
import { hashApplicationPassword, verifyLegacyHash } from './hash.js';
import {
  toApplicationPassword,
  upgradeApplicationPasswordHash,
  type ApplicationPassword,
} from './records.js';

export type ApplicationPasswordCheck =
  | { ok: true; user: User; record: ApplicationPassword }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked'; record?: ApplicationPassword };

const USER_COLUMNS = [
  'id',
  'login',
  'login_key',
  'email',
  'email_key',
  'display_name',
  'first_name',
  'last_name',
  'nickname',
  'description',
  'url',
  'role',
  'password_hash',
  'registered',
  'email_verified_at',
  'disabled',
  'credentials_version',
] as const;

/** The hot query, by login or by email: compiled once per store handle, never rebuilt. */
const lookupBy = (by: 'login_key' | 'email_key') =>
  compiledOnce<Database, Record<string, unknown>, [string, string]>(2, (db, key, hash) =>
    db
      .selectFrom('application_passwords as ap')
      .innerJoin('users as u', 'u.id', 'ap.user_id')
      .leftJoin('app_id_blocks as b', 'b.app_id', 'ap.app_id')
      .selectAll('ap')
      .select(USER_COLUMNS.map((c) => `u.${c} as u_${c}` as const))
      .select('b.app_id as blocked_app_id')
      .where(`u.${by}`, '=', key!)
      // No LIMIT: (user, hash) names at most one row, and a bound LIMIT makes SQLite's plan
      // five times slower here.
      .where('ap.password_hash', '=', hash!),
  );
const LOOKUP = { login_key: lookupBy('login_key'), email_key: lookupBy('email_key') };

const userBy = (by: 'login_key' | 'email_key') =>
  compiledOnce<Database, Selectable<UsersTable>, [string]>(1, (db, key) =>
    db.selectFrom('users').selectAll().where(by, '=', key!),
  );
const USER = { login_key: userBy('login_key'), email_key: userBy('email_key') };

/** Only after a miss: was this the hash of one of the user's revoked passwords? */
const revokedHashOf = compiledOnce<Database, { uuid: string }, [number, string]>(
  2,
  (db, userId, hash) =>
    db
      .selectFrom('revoked_application_passwords')
      .select('uuid')
      .where('user_id', '=', userId as unknown as number)
      .where('password_hash', '=', hash!),
);

const legacyHashesOf = compiledOnce<Database, Selectable<ApplicationPasswordsTable>, [number]>(
  1,
  (db, userId) =>
    db
      .selectFrom('application_passwords')
      .selectAll()
      .where('user_id', '=', userId as unknown as number)
      .where('password_hash', 'not like', '$generic$%'),
);

async function lookup(
  db: Kysely<Database>,
  by: 'login_key' | 'email_key',
  key: string,
  hash: string,
) {
  const [r] = await LOOKUP[by](db, key, hash);
  if (!r) return undefined;
  const userRow = Object.fromEntries(
    USER_COLUMNS.map((c) => [c, r[`u_${c}`]]),
  ) as unknown as Parameters<typeof toUser>[0];
  return {
    user: toUser(userRow),
    record: toApplicationPassword(r as unknown as Selectable<ApplicationPasswordsTable>),
    blocked: r.blocked_app_id !== null,
  };
}

function judge(
  found: { user: User; record: ApplicationPassword; blocked: boolean },
  now: number,
): ApplicationPasswordCheck {
  const { user, record } = found;
  if (user.disabled) return { ok: false, reason: 'invalid' };
  // An administrator's block of the app withdraws the password: refused like a wrong one, but
  // counted apart on /metrics (a program still using it).
  if (found.blocked) return { ok: false, reason: 'revoked' };
  if (record.expires !== null && record.expires <= now)
    return { ok: false, reason: 'expired', record };
  return { ok: true, user, record };
}

/**
 * The hot path. With a cache, a credential verified in the last few seconds is answered from
 * memory (see CredentialCache for what empties it). Otherwise one indexed read by (login, hash) for the hash format Latchkey writes; it costs
 * the same with one password or a thousand, and writes nothing. Only when that misses are the
 * user's imported legacy hashes (salted, so not indexable) tried, and a match is re-hashed.
 */
export async function verifyApplicationPassword(
  db: Kysely<Database>,
  credentials: { login: string; password: string },
  now: number,
  cache?: CredentialCache,
): Promise<ApplicationPasswordCheck> {
  const password = normalizePresentedPassword(credentials.password);
  const key = credentials.login.trim().toLowerCase();
  if (password === '' || key === '' || key.length > 254) return { ok: false, reason: 'invalid' };
  if (!cache) return verifyInStore(db, key, password, now);
  // A warm credential is answered from memory: no hashing of the password, no store read.
  const cacheKey = cache.keyOf(key, password);
  const hit = cache.get(cacheKey, now);
  if (hit) return judge({ ...hit, blocked: false }, now);
  const epoch = cache.epoch;
  const result = await verifyInStore(db, key, password, now);
  if (result.ok) cache.set(cacheKey, { user: result.user, record: result.record }, epoch, now);
  return result;
}

async function verifyInStore(
  db: Kysely<Database>,
  key: string,
  password: string,
  now: number,
): Promise<ApplicationPasswordCheck> {
  const hash = hashApplicationPassword(password);
  const found =
    (await lookup(db, 'login_key', key, hash)) ??
    (key.includes('@') ? await lookup(db, 'email_key', key, hash) : undefined);
  if (found) return judge(found, now);

  let [owner] = await USER.login_key(db, key);
  if (!owner && key.includes('@')) [owner] = await USER.email_key(db, key);
  if (!owner) return { ok: false, reason: 'invalid' };
  const user = toUser(owner);
  const legacy = await legacyHashesOf(db, user.id);
  for (const row of legacy) {
    if (await verifyLegacyHash(password, row.password_hash)) {
      await upgradeApplicationPasswordHash(db, row.uuid, password);
      const blocked =
        row.app_id !== '' &&
        (await db
          .selectFrom('app_id_blocks')
          .select('app_id')
          .where('app_id', '=', row.app_id)
          .executeTakeFirst()) !== undefined;
      return judge({ user, record: toApplicationPassword(row), blocked }, now);
    }
  }
  const [revoked] = await revokedHashOf(db, user.id, hash);
  return { ok: false, reason: revoked ? 'revoked' : 'invalid' };
}
