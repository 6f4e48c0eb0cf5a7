import { LatchkeyError } from '../errors/index.js';

export type TwoFactorErrorCode =
  | 'latchkey_invalid_code'
  | 'latchkey_backup_codes_need_provider'
  | 'latchkey_provider_not_enabled'
  | 'latchkey_no_pending_setup'
  | 'latchkey_email_throttled'
  | 'latchkey_email_unverified'
  | 'latchkey_webauthn_failed'
  | 'latchkey_invalid_provider';

/** Errors of the two-factor layer, with stable codes (SPEC §6.3–6.4). */
export class TwoFactorError extends LatchkeyError<TwoFactorErrorCode> {
  constructor(
    code: TwoFactorErrorCode,
    message: string,
    /** When a throttled send may be asked for again (the wire's `Retry-After`). */
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message);
  }
}
