import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { keyedHash, openSecret, sealSecret } from '../crypto/index.js';
import { LatchkeyError } from '../errors/index.js';
import type { Database } from '../store/index.js';
import { verifyS256 } from './pkce.js';

/** A code lives a minute: long enough for a redirect and one request, too short to be useful later. */
export const AUTHORIZE_CODE_TTL_MS = 60_000;

export type AuthorizeCodeErrorCode =
  | 'latchkey_invalid_code'
  | 'latchkey_code_expired'
  | 'latchkey_wrong_app'
  | 'latchkey_wrong_success_url'
  | 'latchkey_pkce_mismatch';

/** A refused exchange; `code` is the stable string on the wire. */
export class AuthorizeCodeError extends LatchkeyError<AuthorizeCodeErrorCode> {}

export interface NewAuthorizeCode {
  userId: number;
  appPasswordUuid: string;
  /** The raw password, sealed under a key only the code unlocks. */
  password: string;
  appId: string;
  successUrl: string;
  codeChallenge: string;
}

export interface RedeemedAuthorizeCode {
  userId: number;
  appPasswordUuid: string;
  password: string;
}

const codeHash = (key: Buffer, code: string) => keyedHash(key, `authorize-code:${code}`);

/**
 * The password is sealed with a key derived from the code and the installation key: the row
 * alone (a backup, a replica) reveals nothing, and the code alone is worthless without the server.
 */
const sealKey = (key: Buffer, code: string) =>
  createHmac('sha256', key).update(`authorize-seal:${code}`).digest();

/** Stores a one-time code for an approved hand-off and returns it (43 base64url characters). */
export async function issueAuthorizeCode(
  db: Kysely<Database>,
  key: Buffer,
  input: NewAuthorizeCode,
  now: number,
): Promise<string> {
  const code = randomBytes(32).toString('base64url');
  // Codes nobody exchanged are swept here rather than by a timer: issuing is rare.
  await db.deleteFrom('authorize_codes').where('expires', '<', now).execute();
  await db
    .insertInto('authorize_codes')
    .values({
      code_hash: codeHash(key, code),
      user_id: input.userId,
      app_password_uuid: input.appPasswordUuid,
      app_id: input.appId,
      success_url: input.successUrl,
      code_challenge: input.codeChallenge || null,
      sealed_password: sealSecret(sealKey(key, code), input.password),
      created: now,
      expires: now + AUTHORIZE_CODE_TTL_MS,
    })
    .execute();
  return code;
}

/**
 * Exchanges a code. The row is deleted by the same statement that reads it, so a code works
 * once even when two nodes receive it at the same moment, and a failed attempt (wrong verifier,
 * wrong app) burns it too: a guessed or intercepted code gets exactly one try.
 */
export async function redeemAuthorizeCode(
  db: Kysely<Database>,
  key: Buffer,
  input: { code: string; codeVerifier: string; appId: string; successUrl: string },
  now: number,
): Promise<RedeemedAuthorizeCode> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(input.code))
    throw new AuthorizeCodeError('latchkey_invalid_code', 'The code is not valid.');
  const row = await db
    .deleteFrom('authorize_codes')
    .where('code_hash', '=', codeHash(key, input.code))
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AuthorizeCodeError('latchkey_invalid_code', 'The code is not valid.');
  if (Number(row.expires) <= now)
    throw new AuthorizeCodeError(
      'latchkey_code_expired',
      'The code has expired. Authorize the application again.',
    );
  if (row.app_id !== input.appId)
    throw new AuthorizeCodeError(
      'latchkey_wrong_app',
      'The code was issued to another application.',
    );
  if (row.success_url !== input.successUrl)
    throw new AuthorizeCodeError(
      'latchkey_wrong_success_url',
      'The success URL does not match the one the code was issued for.',
    );
  if (row.code_challenge) {
    if (!verifyS256(row.code_challenge, input.codeVerifier))
      throw new AuthorizeCodeError(
        'latchkey_pkce_mismatch',
        'The code verifier does not match the code challenge.',
      );
  } else if (input.codeVerifier !== '') {
    // OAuth 2.1 §4.1.3: a verifier without a challenge means someone swapped the request.
    throw new AuthorizeCodeError(
      'latchkey_pkce_mismatch',
      'The code was issued without a code challenge.',
    );
  }
  return {
    userId: Number(row.user_id),
    appPasswordUuid: row.app_password_uuid,
    password: openSecret(sealKey(key, input.code), row.sealed_password),
  };
}
