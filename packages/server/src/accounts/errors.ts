import { LatchkeyError } from '../errors/index.js';

export type AccountErrorCode =
  | 'existing_user_login'
  | 'existing_user_email'
  | 'invalid_username'
  | 'invalid_email'
  | 'invalid_role'
  | 'invalid_password'
  | 'password_common'
  | 'password_contains_identity'
  | 'unknown_user'
  | 'last_administrator';

/** Errors of the accounts layer; `code` is stable and, where the wire needs it, WordPress's. */
export class AccountError extends LatchkeyError<AccountErrorCode> {}
