import { randomBytes } from 'node:crypto';
import { HOTP, Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const DEFAULT_TOTP_WINDOW = 1;
export const MAX_TOTP_WINDOW = 4;

/** A new 20-byte secret, base32 (32 characters), as authenticator apps expect. */
export function generateTotpSecret(): string {
  return new Secret({ buffer: randomBytes(20).buffer }).base32;
}

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** The code for a time: the path sign-in verification uses, exposed for the RFC 6238 vectors. */
export function totpCode(options: {
  secret: Secret | string;
  timeMs: number;
  algorithm?: TotpAlgorithm;
  digits?: number;
  periodSeconds?: number;
}): string {
  return new TOTP({
    secret: typeof options.secret === 'string' ? Secret.fromBase32(options.secret) : options.secret,
    algorithm: options.algorithm ?? 'SHA1',
    digits: options.digits ?? TOTP_DIGITS,
    period: options.periodSeconds ?? TOTP_PERIOD_SECONDS,
  }).generate({ timestamp: options.timeMs });
}

/** RFC 4226 HOTP, for the Appendix D vectors (TOTP is HOTP over the time step). */
export function hotpCode(secret: Secret, counter: number, digits = 6): string {
  return new HOTP({ secret, digits, algorithm: 'SHA1' }).generate({ counter });
}

export function totpStep(timeMs: number): number {
  return Math.floor(timeMs / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * Checks a code within ±window steps. Returns the matched time step, or null. A step at or
 * before `lastUsedStep` is refused even when the code is right: a code can be used once, and
 * never an older one after a newer (replay).
 */
export function verifyTotp(options: {
  secret: string;
  code: string;
  nowMs: number;
  window: number;
  lastUsedStep: number | null;
}): number | null {
  const code = options.code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) return null;
  const totp = new TOTP({
    secret: Secret.fromBase32(options.secret),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
  const window = Math.min(Math.max(0, Math.trunc(options.window)), MAX_TOTP_WINDOW);
  const delta = totp.validate({ token: code, timestamp: options.nowMs, window });
  if (delta === null) return null;
  const step = totpStep(options.nowMs) + delta;
  if (options.lastUsedStep !== null && step <= options.lastUsedStep) return null;
  return step;
}

/** `otpauth://totp/{issuer}:{login}?secret=…&issuer=…` with the label percent-encoded as a whole. */
export function totpUri(issuer: string, login: string, secret: string): string {
  const label = encodeURIComponent(`${issuer}:${login}`);
  const query = new URLSearchParams({
    secret,
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString().replace(/\+/g, '%20')}`;
}
