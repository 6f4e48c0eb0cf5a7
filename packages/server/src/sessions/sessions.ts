import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { findUserById, type User } from '../accounts/index.js';
import { keyedHash, randomToken, type Keys } from '../crypto/index.js';
import type { Database } from '../store/index.js';
import type { SessionsTable } from '../store/schema.js';

export const SESSION_COOKIE = 'latchkey_session';
export const SESSION_TTL_MS = 2 * 24 * 3600 * 1000;
export const REMEMBERED_SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
/** A session without remember-me ends after this long without a request (SPEC §6.5). */
export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
/** A remembered session ends after this long without a request (and at 14 days anyway). */
export const REMEMBERED_IDLE_TIMEOUT_MS = 14 * 24 * 3600 * 1000;
/**
 * `last_seen` is written at most this often per session, to keep reads cheap. It may therefore
 * lag the last request by up to this much, which `sessionIsLive` allows for: a session never
 * ends before its idle timeout and at most this much after it.
 */
export const LAST_SEEN_COALESCE_MS = 60 * 1000;

/**
 * Whether a session is still live at `now` (a pure decision: the clock is an argument): before
 * its absolute lifetime (§6.1) and not idle for longer than its timeout (§6.5), counting from
 * the last request as far as the coalesced `last_seen` knows it.
 */
export function sessionIsLive(
  session: Pick<Session, 'expires' | 'lastSeen' | 'remember'>,
  now: number,
): boolean {
  if (session.expires <= now) return false;
  const idle = session.remember ? REMEMBERED_IDLE_TIMEOUT_MS : IDLE_TIMEOUT_MS;
  return now - session.lastSeen <= idle + LAST_SEEN_COALESCE_MS;
}

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
  /** The first administrator's one-time password: this session may only change it (§6.5). */
  passwordChangeOnly: boolean;
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
    passwordChangeOnly: Number(row.password_change_only ?? 0) === 1,
  };
}

export interface NewSession {
  userId: number;
  ip: string;
  userAgent: string;
  remember: boolean;
  secondFactor?: string | null;
  enrolmentOnly?: boolean;
  passwordChangeOnly?: boolean;
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
    password_change_only: input.passwordChangeOnly ? 1 : 0,
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
  if (!sessionIsLive(session, now)) {
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

/**
 * Gives a session a new token and returns it; the old token is dead from then on (ASVS 7.2.4).
 * Called whenever the session's privileges change: step-up, and a restricted session lifted.
 */
export async function rotateSessionToken(
  db: Kysely<Database>,
  keys: Keys,
  sessionId: string,
): Promise<string> {
  const token = randomToken(32);
  await db
    .updateTable('sessions')
    .set({ token_hash: keyedHash(keys.sessionToken, token) })
    .where('id', '=', sessionId)
    .execute();
  return token;
}

/** Step-up done (`/login/reauth`): the session counts as freshly signed in, with a new token. */
export async function reauthenticateSession(
  db: Kysely<Database>,
  keys: Keys,
  sessionId: string,
  now: number,
  secondFactor?: string,
): Promise<string> {
  await markReauthenticated(db, sessionId, now, secondFactor);
  return rotateSessionToken(db, keys, sessionId);
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

/** Required two-factor done: the session may go everywhere again, under a new token. */
export async function liftEnrolmentRestriction(
  db: Kysely<Database>,
  keys: Keys,
  sessionId: string,
  now: number,
  secondFactor: string,
): Promise<string> {
  await db
    .updateTable('sessions')
    .set({ enrolment_only: 0, second_factor: secondFactor, authenticated_at: now })
    .where('id', '=', sessionId)
    .execute();
  return rotateSessionToken(db, keys, sessionId);
}

/**
 * The one-time password was replaced: the session may go everywhere (or on to a required
 * enrolment), under a new token.
 */
export async function liftPasswordChangeRestriction(
  db: Kysely<Database>,
  keys: Keys,
  sessionId: string,
  now: number,
  mustEnrol: boolean,
): Promise<string> {
  await db
    .updateTable('sessions')
    .set({
      password_change_only: 0,
      authenticated_at: now,
      ...(mustEnrol ? { enrolment_only: 1 } : {}),
    })
    .where('id', '=', sessionId)
    .execute();
  return rotateSessionToken(db, keys, sessionId);
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
  return rows.map(toSession).filter((s) => sessionIsLive(s, now));
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

/** Deletes the sessions past their lifetime or idle timeout (the hourly sweep). */
export async function purgeExpiredSessions(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([
        eb('expires', '<=', now),
        eb.and([
          eb('remember', '=', 0),
          eb('last_seen', '<', now - IDLE_TIMEOUT_MS - LAST_SEEN_COALESCE_MS),
        ]),
        eb('last_seen', '<', now - REMEMBERED_IDLE_TIMEOUT_MS - LAST_SEEN_COALESCE_MS),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
