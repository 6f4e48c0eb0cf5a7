import type { Kysely } from 'kysely';
import {
  burnVerificationTime,
  findUserByLoginOrEmail,
  verifyAndUpgradeAccountPassword,
  type User,
} from '../accounts/index.js';
import { recordAuditEvent } from '../audit/index.js';
import type { Keys } from '../crypto/index.js';
import { settleSignIn, type Limiters } from '../rate-limit/index.js';
import type { Database } from '../store/index.js';
import { createSession, type Session } from './sessions.js';

export interface SignInAttempt {
  log: string;
  pwd: string;
  remember: boolean;
  ip: string;
  /** The key the per-address limits count under (IPv6 grouped by /64). */
  addressKey: string;
  userAgent: string;
  now: number;
}

export type SignInResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid_credentials' | 'disabled' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export interface SignInDeps {
  db: Kysely<Database>;
  keys: Keys;
  limiters: Limiters;
}

/**
 * The password step of an interactive sign-in. Unknown logins and wrong passwords are
 * indistinguishable to the caller, in outcome and in time spent.
 */
export async function signInWithPassword(
  deps: SignInDeps,
  attempt: SignInAttempt,
): Promise<SignInResult> {
  const { db, limiters } = deps;
  const user = await findUserByLoginOrEmail(db, attempt.log);
  // Keyed by account when it exists, else by the typed name, so a waiting period looks the
  // same for logins that exist and logins that do not.
  const accountKey = user
    ? `user:${user.id}`
    : `name:${attempt.log.trim().toLowerCase().slice(0, 254)}`;
  const limit = await limiters.signIn.begin(accountKey, attempt.addressKey);
  if (!limit.allowed) {
    return { ok: false, reason: 'throttled', retryAfterSeconds: limit.retryAfterSeconds };
  }

  const passwordOk = await settleSignIn(limit, async () => {
    if (user) return verifyAndUpgradeAccountPassword(db, user, attempt.pwd);
    await burnVerificationTime(attempt.pwd);
    return false;
  });

  if (!user || !passwordOk) {
    await recordAuditEvent(
      db,
      {
        event: 'login.failure',
        userId: user?.id ?? null,
        ip: attempt.ip,
        userAgent: attempt.userAgent,
        credential: 'password',
        details: user ? { reason: 'wrong_password' } : { reason: 'unknown_login' },
      },
      attempt.now,
    );
    return { ok: false, reason: 'invalid_credentials' };
  }
  if (user.disabled) {
    await recordAuditEvent(
      db,
      {
        event: 'login.failure',
        userId: user.id,
        ip: attempt.ip,
        userAgent: attempt.userAgent,
        credential: 'password',
        details: { reason: 'disabled' },
      },
      attempt.now,
    );
    return { ok: false, reason: 'disabled' };
  }
  return { ok: true, user };
}

export interface OpenSessionInput {
  user: User;
  ip: string;
  userAgent: string;
  remember: boolean;
  /** The second factor that completed this sign-in, if any. */
  secondFactor?: string | null;
  /** Required two-factor not yet enrolled: the session may only enrol. */
  enrolmentOnly?: boolean;
  /** The account's password is single-use (the first administrator's): only change it. */
  passwordChangeOnly?: boolean;
  now: number;
}

/** Starts the session once every step of the sign-in succeeded, and records it. */
export async function openSession(
  deps: Pick<SignInDeps, 'db' | 'keys'>,
  input: OpenSessionInput,
): Promise<{ session: Session; token: string }> {
  const { session, token } = await createSession(deps.db, deps.keys, {
    userId: input.user.id,
    ip: input.ip,
    userAgent: input.userAgent,
    remember: input.remember,
    secondFactor: input.secondFactor ?? null,
    enrolmentOnly: input.enrolmentOnly ?? false,
    passwordChangeOnly: input.passwordChangeOnly ?? false,
    now: input.now,
  });
  await recordAuditEvent(
    deps.db,
    {
      event: 'login.success',
      userId: input.user.id,
      ip: input.ip,
      userAgent: input.userAgent,
      credential: `session:${session.id}`,
      details: {
        second_factor: input.secondFactor ?? null,
        ...(input.enrolmentOnly ? { enrolment_only: true } : {}),
        ...(input.passwordChangeOnly ? { password_change_only: true } : {}),
      },
    },
    input.now,
  );
  return { session, token };
}
