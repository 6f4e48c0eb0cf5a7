import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../crypto/index.js';

/** The highest phpass cost accepted: WordPress's 13, with room for other phpass users. */
export const MAX_PHPASS_LOG2_ROUNDS = 16;

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** phpass's own base-64 encoding (little-endian 6-bit groups). */
function encode64(input: Buffer, count: number): string {
  let out = '';
  let i = 0;
  while (i < count) {
    let value = input[i++]!;
    out += ITOA64[value & 0x3f];
    if (i < count) value |= input[i]! << 8;
    out += ITOA64[(value >> 6) & 0x3f];
    if (i++ >= count) break;
    if (i < count) value |= input[i]! << 16;
    out += ITOA64[(value >> 12) & 0x3f];
    if (i++ >= count) break;
    out += ITOA64[(value >> 18) & 0x3f];
  }
  return out;
}

/**
 * Verifies a phpass "portable" hash (`$P$` or `$H$`): the format WordPress used for
 * passwords, application passwords included, before 6.8. Only ever used to accept imported
 * hashes once, after which they are re-hashed.
 */
export function verifyPhpassPortable(password: string, stored: string): boolean {
  if (stored.length !== 34 || !/^\$[PH]\$/.test(stored)) return false;
  const log2 = ITOA64.indexOf(stored[3]!);
  // WordPress writes 2^13 rounds (`$P$B`). A stored cost far above that is no WordPress hash
  // but a way to stall the event loop (2^30 rounds is half an hour), so it never verifies.
  if (log2 < 7 || log2 > MAX_PHPASS_LOG2_ROUNDS) return false;
  const salt = stored.slice(4, 12);
  if (salt.length !== 8) return false;
  const secret = Buffer.from(password, 'utf8');
  let hash = createHash('md5').update(salt).update(secret).digest();
  for (let rounds = 1 << log2; rounds > 0; rounds--) {
    hash = createHash('md5').update(hash).update(secret).digest();
  }
  return constantTimeEqual(stored.slice(0, 12) + encode64(hash, 16), stored);
}
