import { keyedHash, type Keys } from '../crypto/index.js';

/**
 * How a short code (email, proof or recovery code) is stored: a keyed hash over its kind, its
 * user and the code, so a code of one kind or one user never matches a row of another. The
 * codes are short, but unguessable without the key and rate-limited, so a fast hash is enough.
 */
export function codeHash(
  keys: Keys,
  kind: 'email' | 'proof' | 'backup',
  userId: number,
  code: string,
): string {
  return keyedHash(keys.codes, `${kind}:${userId}:${code}`);
}
