import type { Kysely } from 'kysely';
import { keyedHash, randomToken } from '../crypto/index.js';
import type { User } from '../accounts/index.js';
import type { Database } from '../store/index.js';
import type { TwoFactorDeps } from './deps.js';
import { CHALLENGE_TTL_MS } from './policies.js';

/** The step between a correct password and the second factor (or a step-up), kept server-side. */
export interface LoginChallenge {
  tokenHash: string;
  userId: number;
  purpose: 'login' | 'reauth';
  created: number;
  expires: number;
  redirectTo: string;
  remember: boolean;
  sessionId: string | null;
  webauthnChallenge: string | null;
}

/** Deletes every pending second-factor step of a user (their password changed or was reset). */
export async function clearLoginChallenges(db: Kysely<Database>, userId: number): Promise<void> {
  await db.deleteFrom('login_challenges').where('user_id', '=', userId).execute();
}

/** Keeps (or, with null, drops) the WebAuthn challenge a security key must sign for this step. */
export async function setLoginWebauthnChallenge(
  db: Kysely<Database>,
  challenge: LoginChallenge,
  webauthnChallenge: string | null,
): Promise<void> {
  await db
    .updateTable('login_challenges')
    .set({ webauthn_challenge: webauthnChallenge })
    .where('token_hash', '=', challenge.tokenHash)
    .execute();
}

/** Issue, find, consume and clear login challenges. */
export function createLoginChallenges(deps: TwoFactorDeps) {
  const { db, keys } = deps;
  // Only the hash is stored: a database read does not give a way past the password step.
  const hashOf = (token: string) => keyedHash(keys.codes, `challenge:${token}`);

  return {
    /** Returns the token for the page's hidden field. */
    async createChallenge(
      user: User,
      options: {
        purpose: 'login' | 'reauth';
        redirectTo: string;
        remember: boolean;
        sessionId?: string;
      },
    ): Promise<string> {
      const token = randomToken(32);
      const now = deps.now();
      await db
        .insertInto('login_challenges')
        .values({
          token_hash: hashOf(token),
          user_id: user.id,
          purpose: options.purpose,
          created: now,
          expires: now + CHALLENGE_TTL_MS,
          redirect_to: options.redirectTo.slice(0, 2048),
          remember: options.remember ? 1 : 0,
          session_id: options.sessionId ?? null,
          webauthn_challenge: null,
        })
        .execute();
      return token;
    },

    /** The live challenge for a token from a form, or undefined (malformed, unknown or expired). */
    async findChallenge(token: unknown): Promise<LoginChallenge | undefined> {
      if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
      const row = await db
        .selectFrom('login_challenges')
        .selectAll()
        .where('token_hash', '=', hashOf(token))
        .executeTakeFirst();
      if (!row || Number(row.expires) <= deps.now()) return undefined;
      return {
        tokenHash: row.token_hash,
        userId: Number(row.user_id),
        purpose: row.purpose === 'reauth' ? 'reauth' : 'login',
        created: Number(row.created),
        expires: Number(row.expires),
        redirectTo: row.redirect_to,
        remember: Number(row.remember) === 1,
        sessionId: row.session_id,
        webauthnChallenge: row.webauthn_challenge,
      };
    },

    /** True for the one caller that deleted it: two concurrent completions cannot both sign in. */
    async consumeChallenge(challenge: LoginChallenge): Promise<boolean> {
      const result = await db
        .deleteFrom('login_challenges')
        .where('token_hash', '=', challenge.tokenHash)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async clearChallenges(userId: number): Promise<void> {
      await clearLoginChallenges(db, userId);
    },
  };
}
