import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Purpose-bound subkeys of the installation key, so one leak never spans two uses. */
export interface Keys {
  sessionToken: Buffer;
  csrf: Buffer;
}

export function deriveKeys(installationKey: Buffer): Keys {
  const derive = (info: string) =>
    Buffer.from(hkdfSync('sha256', installationKey, Buffer.alloc(0), `latchkey:${info}`, 32));
  return { sessionToken: derive('session-token'), csrf: derive('csrf') };
}

/** High-entropy random token, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Fast keyed hash for high-entropy or short-lived secrets (session tokens, nonces). */
export function keyedHash(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    // Still spend a comparison so the length check is not a faster path.
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}
