import { createHmac } from 'node:crypto';
import { constantTimeEqual, type Keys } from '../crypto/index.js';

export const CSRF_COOKIE = 'latchkey_csrf';

/**
 * The request token of a signed-in session: a MAC of the session id, so it needs no storage,
 * dies with the session and cannot be computed without the installation key. It is both the
 * `_csrf` form field and the REST nonce (`X-WP-Nonce`).
 */
export function csrfTokenForSession(keys: Keys, sessionId: string): string {
  return createHmac('sha256', keys.csrf).update(`session:${sessionId}`).digest('base64url');
}

/** Signed-out forms: the token is a MAC of a random value held in the `latchkey_csrf` cookie. */
export function csrfTokenForBrowser(keys: Keys, cookieValue: string): string {
  return createHmac('sha256', keys.csrf).update(`browser:${cookieValue}`).digest('base64url');
}

export function csrfTokenMatches(expected: string, presented: unknown): boolean {
  return (
    typeof presented === 'string' && presented.length > 0 && constantTimeEqual(expected, presented)
  );
}
