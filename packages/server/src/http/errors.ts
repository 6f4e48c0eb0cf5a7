/**
 * The HTTP layer's one error type. `code` is the stable string on the wire (WordPress's where
 * the protocol has one); `status` is decided here and nowhere else.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly data: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

import { AccountError } from '../accounts/index.js';
import { TwoFactorError } from '../two-factor/index.js';

const ACCOUNT_STATUS: Record<AccountError['code'], number> = {
  existing_user_login: 400,
  existing_user_email: 400,
  invalid_username: 400,
  invalid_email: 400,
  invalid_role: 400,
  invalid_password: 400,
  unknown_user: 404,
  last_administrator: 409,
};

/** Turns a domain error into an HttpError; anything else is an internal error. */
export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof AccountError) {
    const code = error.code === 'unknown_user' ? 'rest_user_invalid_id' : error.code;
    return new HttpError(ACCOUNT_STATUS[error.code], code, error.message);
  }
  if (error instanceof TwoFactorError) {
    const status =
      error.code === 'latchkey_backup_codes_need_provider'
        ? 409
        : error.code === 'latchkey_email_throttled'
          ? 429
          : 400;
    const headers: Record<string, string> = error.retryAfterSeconds
      ? { 'retry-after': String(error.retryAfterSeconds) }
      : {};
    return new HttpError(status, error.code, error.message, {}, headers);
  }
  return undefined;
}
