/** Errors of the two-factor layer, with stable codes (SPEC §6.3–6.4). */
export class TwoFactorError extends Error {
  constructor(
    readonly code:
      | 'latchkey_invalid_code'
      | 'latchkey_backup_codes_need_provider'
      | 'latchkey_provider_not_enabled'
      | 'latchkey_no_pending_setup'
      | 'latchkey_email_throttled'
      | 'latchkey_email_unverified'
      | 'latchkey_webauthn_failed'
      | 'latchkey_invalid_provider',
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'TwoFactorError';
  }
}
