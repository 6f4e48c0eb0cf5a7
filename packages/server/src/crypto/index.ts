import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from 'node:crypto';

/** Purpose-bound subkeys of the installation key, so one leak never spans two uses. */
export interface Keys {
  sessionToken: Buffer;
  csrf: Buffer;
  /** Keyed hashes of short-lived codes and challenges (login challenges, email and recovery codes). */
  codes: Buffer;
  /** Keyed hashes of the single-use links mailed to people (reset, invitation, email change). */
  accountLinks: Buffer;
  /** AES-256-GCM key for secrets that must be readable again (TOTP seeds). */
  secretBox: Buffer;
}

export function deriveKeys(installationKey: Buffer): Keys {
  const derive = (info: string) =>
    Buffer.from(hkdfSync('sha256', installationKey, Buffer.alloc(0), `latchkey:${info}`, 32));
  return {
    sessionToken: derive('session-token'),
    csrf: derive('csrf'),
    codes: derive('codes'),
    accountLinks: derive('account-links'),
    secretBox: derive('secret-box'),
  };
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

/** Encrypts a secret for storage (AES-256-GCM, random 96-bit nonce): `v1.<nonce>.<ciphertext+tag>`. */
export function sealSecret(key: Buffer, plaintext: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([
    cipher.update(plaintext, 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return `v1.${nonce.toString('base64url')}.${body.toString('base64url')}`;
}

/** Decrypts what sealSecret wrote; throws if it was altered or sealed with another key. */
export function openSecret(key: Buffer, sealed: string): string {
  const [version, nonce, body] = sealed.split('.');
  if (version !== 'v1' || !nonce || !body) throw new Error('unknown sealed-secret format');
  const data = Buffer.from(body, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([
    decipher.update(data.subarray(0, data.length - 16)),
    decipher.final(),
  ]).toString('utf8');
}

/** A string of `length` decimal digits, each uniform (CSPRNG). */
export function randomDigits(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String(randomInt(10));
  return out;
}
