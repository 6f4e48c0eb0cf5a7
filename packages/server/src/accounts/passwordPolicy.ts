import { dictionary } from '@zxcvbn-ts/language-common';
import { MAX_PASSWORD_LENGTH } from './passwordHash.js';

export const MIN_PASSWORD_LENGTH = 8;

/** Words of identity shorter than this are not looked for inside a password (a login "ed"). */
const MIN_IDENTITY_LENGTH = 3;

/**
 * The common passwords shipped with @zxcvbn-ts/language-common (leaked-password frequency
 * lists, about 49,000 entries), lower-cased. Only entries a new password could be (8
 * characters or more) are kept. Built once, when this module is first imported, which the
 * server does at start (`commonPasswordCount()`); checked offline, never per request.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  dictionary['passwords-common']
    .filter((p) => p.length >= MIN_PASSWORD_LENGTH)
    .map((p) => p.toLowerCase()),
);

/** How many common passwords are refused (the server calls it at start to load the list). */
export function commonPasswordCount(): number {
  return COMMON_PASSWORDS.size;
}

export type PasswordProblemCode =
  'invalid_password' | 'password_common' | 'password_contains_identity';

export interface PasswordProblem {
  code: PasswordProblemCode;
  message: string;
}

/** What a new password must not contain: the site's name, the account's login and email. */
export interface PasswordIdentity {
  siteName?: string;
  login?: string;
  email?: string;
}

/**
 * Why a new password is refused (SPEC §6.5, ASVS 6.2.1, 6.2.4, 6.2.9, 6.2.11), or null. Any
 * characters are allowed and there are no composition rules: length 8 to 1024, not a common
 * password, and not containing the site's name, the login or the email address (compared
 * case-insensitively).
 */
export function newPasswordProblem(
  password: string,
  identity: PasswordIdentity = {},
): PasswordProblem | null {
  if (password.length < MIN_PASSWORD_LENGTH)
    return {
      code: 'invalid_password',
      message: `The password must be at least ${MIN_PASSWORD_LENGTH} characters.`,
    };
  if (password.length > MAX_PASSWORD_LENGTH)
    return {
      code: 'invalid_password',
      message: `The password must be at most ${MAX_PASSWORD_LENGTH} characters.`,
    };
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower))
    return {
      code: 'password_common',
      message: 'That password is one of the most common passwords. Choose another one.',
    };
  const words: [string | undefined, string][] = [
    // The address first: it usually holds the login, and its message is the more precise one.
    [identity.email, 'your email address'],
    [identity.login, 'your username'],
    [identity.siteName, 'the name of the site'],
  ];
  for (const [word, what] of words) {
    const w = word?.trim().toLowerCase();
    if (w && w.length >= MIN_IDENTITY_LENGTH && lower.includes(w))
      return {
        code: 'password_contains_identity',
        message: `The password must not contain ${what}.`,
      };
  }
  return null;
}
