import { MAX_PASSWORD_LENGTH } from './passwordHash.js';

export const MIN_PASSWORD_LENGTH = 8;

/** Letters and digits of any script, plus `_ . - @` and inner spaces, like WordPress logins. */
const LOGIN_PATTERN = /^[\p{L}\p{N}_.@-](?:[\p{L}\p{N}_.@ -]{0,58}[\p{L}\p{N}_.@-])?$/u;
const EMAIL_PATTERN = /^[^\s@<>"']{1,64}@[^\s@<>"']+\.[^\s@<>"']{2,}$/u;

export function isValidLogin(login: string): boolean {
  return LOGIN_PATTERN.test(login);
}

export function isValidEmail(email: string): boolean {
  return email.length <= 254 && EMAIL_PATTERN.test(email);
}

/** Returns why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `The password must be at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH)
    return `The password must be at most ${MAX_PASSWORD_LENGTH} characters.`;
  return null;
}
