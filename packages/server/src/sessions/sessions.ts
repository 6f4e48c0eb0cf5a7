import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { findUserById, type User } from '../accounts/index.js';
import { keyedHash, randomToken, type Keys } from '../crypto/index.js';
import type { Database } from '../store/index.js';
import type { SessionsTable } from '../store/schema.js';

export const SESSION_COOKIE = 'latchkey_session';
export const SESSION_TTL_MS = 2 * 24 * 3600 * 1000;
export const REMEMBERED_SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
/** `last_seen` is written at most this often per session, to keep reads cheap. */
export const LAST_SEEN_COALESCE_MS = 5 * 60 * 1000;

export interface Session {
  id: string;
  userId: number;
  created: number;
  expires: number;
  lastSeen: number;
  ip: string;
  userAgent: string;
  remember: boolean;
  secondFactor: string | null;
  authenticatedAt: number;
  /** Required two-factor: this session may only enrol a second factor. */
  enrolmentOnly: boolean;
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    id: row.id,
    userId: Number(row.user_id),
    created: Number(row.created),
    expires: Number(row.expires),
    lastSeen: Number(row.last_seen),
    ip: row.ip,
    userAgent: row.user_agent,
    remember: Number(row.remember) === 1,
    secondFactor: row.second_factor,
    authenticatedAt: Number(row.authenticated_at),
    enrolmentOnly: Number(row.enrolment_only ?? 0) === 1,
  };
}

export interface NewSession {
  userId: number;
  ip: string;
  userAgent: string;
  remember: boolean;
  secondFactor?: string | null;
  enrolmentOnly?: boolean;
  now: number;
}

/** Creates a session and returns it with the raw token, which only the cookie ever holds. */
export async function createSession(
  db: Kysely<Database>,
  keys: Keys,
  input: NewSession,
): Promise<{ session: Session; token: string }> {
  const token = randomToken(32);
  const row = {
    id: randomUUID(),
    token_hash: keyedHash(keys.sessionToken, token),
    user_id: input.userId,
    created: input.now,
    expires: input.now + (input.remember ? REMEMBERED_SESSION_TTL_MS : SESSION_TTL_MS),
    last_seen: input.now,
    ip: input.ip.slice(0, 64),
    user_agent: input.userAgent.slice(0, 512),
    remember: input.remember ? 1 : 0,
    second_factor: input.secondFactor ?? null,
    authenticated_at: input.now,
    pending_totp_secret: null,
    pending_totp_at: null,
    webauthn_challenge: null,
    enrolment_only: input.enrolmentOnly ? 1 : 0,
  };
  await db.insertInto('sessions').values(row).execute();
  return { session: toSession(row), token };
}

/** The live session and its enabled user for a cookie token, or undefined. */
export async function resolveSession(
  db: Kysely<Database>,
  keys: Keys,
  token: string,
  now: number,
): Promise<{ session: Session; user: User } | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', keyedHash(keys.sessionToken, token))
    .executeTakeFirst();
  if (!row) return undefined;
  const session = toSession(row);
  if (session.expires <= now) {
    await db.deleteFrom('sessions').where('id', '=', session.id).execute();
    return undefined;
  }
  const user = await findUserById(db, session.userId);
  if (!user || user.disabled) return undefined;
  if (now - session.lastSeen > LAST_SEEN_COALESCE_MS) {
    await db.updateTable('sessions').set({ last_seen: now }).where('id', '=', session.id).execute();
    session.lastSeen = now;
  }
  return { session, user };
}

export async function markReauthenticated(
  db: Kysely<Database>,
  sessionId: string,
  now: number,
  secondFactor?: string,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set(
      secondFactor
        ? { authenticated_at: now, second_factor: secondFactor }
        : { authenticated_at: now },
    )
    .where('id', '=', sessionId)
    .execute();
}

/** Required two-factor done: the session may go everywhere again. */
export async function liftEnrolmentRestriction(
  db: Kysely<Database>,
  sessionId: string,
  now: number,
  secondFactor: string,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ enrolment_only: 0, second_factor: secondFactor, authenticated_at: now })
    .where('id', '=', sessionId)
    .execute();
}

export async function listSessions(
  db: Kysely<Database>,
  userId: number,
  now: number,
): Promise<Session[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('expires', '>', now)
    .orderBy('last_seen', 'desc')
    .execute();
  return rows.map(toSession);
}

/** Ends one session of the user; returns whether it existed. */
export async function endSession(
  db: Kysely<Database>,
  userId: number,
  sessionId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('sessions')
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function endOtherSessions(
  db: Kysely<Database>,
  userId: number,
  keepSessionId: string,
): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where('id', '!=', keepSessionId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function endAllSessions(db: Kysely<Database>, userId: number): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function purgeExpiredSessions(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
