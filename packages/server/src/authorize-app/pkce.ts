import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../crypto/index.js';

/** RFC 7636 §4.1: 43 to 128 characters of `[A-Za-z0-9-._~]`. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 challenge: the base64url SHA-256 of a verifier, without padding. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function isCodeVerifier(value: string): boolean {
  return VERIFIER.test(value);
}

export function isS256CodeChallenge(value: string): boolean {
  return CHALLENGE.test(value);
}

/** `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2). */
export function s256CodeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Does the verifier answer the challenge? A malformed verifier never does. */
export function verifyS256(challenge: string, verifier: string): boolean {
  if (!isCodeVerifier(verifier)) return false;
  return constantTimeEqual(s256CodeChallenge(verifier), challenge);
}
