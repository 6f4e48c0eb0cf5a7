import { createHmac } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';
import bcrypt from 'bcryptjs';
import { verifyPhpassPortable } from './phpass.js';

const GENERIC_PREFIX = '$generic$';
// WordPress 6.8's wp_fast_hash key, so hashes move between WordPress and Latchkey unchanged.
const FAST_HASH_KEY = new TextEncoder().encode('wp_fast_hash_6.8+');

/**
 * WordPress 6.8's `$generic$` hash: keyed BLAKE2b with a 30-byte digest, base64url without
 * padding. Fast on purpose: application passwords carry ~143 bits of entropy, so a slow
 * hash would only slow every API request without making guessing any harder. It is
 * deterministic, which lets verification look the record up by (user, hash).
 */
export function hashApplicationPassword(password: string): string {
  const digest = blake2b(new TextEncoder().encode(password), { key: FAST_HASH_KEY, dkLen: 30 });
  return GENERIC_PREFIX + Buffer.from(digest).toString('base64url');
}

export function isLegacyHash(stored: string): boolean {
  return !stored.startsWith(GENERIC_PREFIX);
}

/**
 * Imported WordPress hashes: phpass `$P$`, WordPress 6.8's `$wp$2y$` (bcrypt over the
 * base64 of HMAC-SHA384 keyed "wp-sha384"), and plain bcrypt. Slow; used once per password.
 */
export async function verifyLegacyHash(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$P$') || stored.startsWith('$H$'))
    return verifyPhpassPortable(password, stored);
  if (stored.startsWith('$wp$2')) {
    const prehashed = createHmac('sha384', 'wp-sha384').update(password).digest('base64');
    return bcryptCompare(prehashed, stored.slice(3));
  }
  if (/^\$2[aby]\$/.test(stored)) return bcryptCompare(password, stored);
  return false;
}

/** PHP's default cost is 10 (WordPress 6.8 keeps it); each step doubles the work. */
export const MAX_BCRYPT_COST = 12;

async function bcryptCompare(password: string, stored: string): Promise<boolean> {
  // A stored cost above any WordPress default would stall the event loop for seconds or hours.
  const cost = Number(/^\$2[aby]\$(\d{2})\$/.exec(stored)?.[1] ?? NaN);
  if (!(cost >= 4 && cost <= MAX_BCRYPT_COST)) return false;
  try {
    // PHP writes $2y$; it is the same algorithm as $2b$.
    return await bcrypt.compare(password, stored.replace(/^\$2y\$/, '$2b$'));
  } catch {
    return false;
  }
}
