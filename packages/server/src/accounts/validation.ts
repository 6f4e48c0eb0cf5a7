import { newPasswordProblem } from './passwordPolicy.js';

export { MIN_PASSWORD_LENGTH } from './passwordPolicy.js';

/** Letters and digits of any script, plus `_ . - @` and inner spaces, like WordPress logins. */
const LOGIN_PATTERN = /^[\p{L}\p{N}_.@-](?:[\p{L}\p{N}_.@ -]{0,58}[\p{L}\p{N}_.@-])?$/u;
const EMAIL_PATTERN = /^[^\s@<>"']{1,64}@[^\s@<>"']+\.[^\s@<>"']{2,}$/u;

export function isValidLogin(login: string): boolean {
  return LOGIN_PATTERN.test(login);
}

export function isValidEmail(email: string): boolean {
  return email.length <= 254 && EMAIL_PATTERN.test(email);
}

/**
 * Returns why a new password is refused, or null when it is acceptable: the length and the
 * common-password list only. Storing a password goes through `createUser` / `setUserPassword`,
 * which also check the site's name, login and email (`newPasswordProblem`).
 */
export function passwordProblem(password: string): string | null {
  return newPasswordProblem(password)?.message ?? null;
}
