import type { AccountErrorCode } from '../accounts/errors.js';
import type { AuthorizeCodeErrorCode } from '../authorize-app/authorizeCodes.js';
import type { ContentErrorCode } from '../content/errors.js';
import type { SettingsErrorCode } from '../settings/applySettingsChange.js';
import type { TwoFactorErrorCode } from '../two-factor/errors.js';
import { LatchkeyError } from './LatchkeyError.js';

/** Every code a domain error can carry on the wire (a ConfigError never reaches it). */
export type DomainErrorCode =
  | AccountErrorCode
  | AuthorizeCodeErrorCode
  | ContentErrorCode
  | SettingsErrorCode
  | TwoFactorErrorCode
  | 'rest_invalid_param';

interface WireRule {
  /** REST's HTTP status. */
  status: number;
  /** XML-RPC's fault code: WordPress answers a refused insert or update with 500. */
  fault: number;
  /** The code on the wire, where WordPress's differs from the domain's. */
  code?: string;
  /** XML-RPC's fault string, where WordPress's differs from its REST message. */
  faultMessage?: string;
}

const INVALID: WireRule = { status: 400, fault: 500 };

/**
 * The one table that turns a domain error into an HTTP status and an XML-RPC fault. Typed over
 * every code, so a new code without a row does not compile.
 */
const WIRE: Record<DomainErrorCode, WireRule> = {
  // accounts
  existing_user_login: INVALID,
  existing_user_email: INVALID,
  invalid_username: INVALID,
  invalid_email: INVALID,
  invalid_role: INVALID,
  invalid_password: INVALID,
  password_common: { status: 400, fault: 500, code: 'latchkey_password_common' },
  password_contains_identity: {
    status: 400,
    fault: 500,
    code: 'latchkey_password_contains_identity',
  },
  unknown_user: { status: 404, fault: 404, code: 'rest_user_invalid_id' },
  last_administrator: { status: 409, fault: 500 },
  // content
  term_exists: INVALID,
  duplicate_term_slug: INVALID,
  empty_term_name: INVALID,
  invalid_parent: INVALID,
  file_type_refused: INVALID,
  file_name_exhausted: { status: 409, fault: 500 },
  invalid_author: { status: 400, fault: 404, code: 'rest_invalid_author' },
  invalid_post_parent: {
    status: 400,
    fault: 404,
    code: 'rest_post_invalid_id',
    faultMessage: 'Invalid parent ID.',
  },
  invalid_featured_media: {
    status: 400,
    fault: 404,
    code: 'rest_invalid_featured_media',
    faultMessage: 'Invalid attachment ID.',
  },
  sticky_password: {
    status: 400,
    fault: 401,
    code: 'rest_invalid_field',
    faultMessage: 'Sorry, you cannot stick a private post.',
  },
  empty_content: { status: 400, fault: 500 },
  // authorize codes (the exchange is REST only)
  latchkey_invalid_code: INVALID,
  latchkey_code_expired: INVALID,
  latchkey_wrong_app: INVALID,
  latchkey_wrong_success_url: INVALID,
  latchkey_pkce_mismatch: INVALID,
  // two-factor (REST only: XML-RPC has no two-factor routes)
  latchkey_backup_codes_need_provider: { status: 409, fault: 500 },
  latchkey_provider_not_enabled: INVALID,
  latchkey_no_pending_setup: INVALID,
  latchkey_email_throttled: { status: 429, fault: 429 },
  latchkey_email_unverified: INVALID,
  latchkey_webauthn_failed: INVALID,
  latchkey_invalid_provider: INVALID,
  // settings and credential limits
  latchkey_requires_own_second_factor: INVALID,
  rest_invalid_param: { status: 400, fault: -32602 },
};

export interface Wire {
  status: number;
  fault: number;
  faultMessage: string;
  code: string;
  message: string;
  data: Record<string, unknown>;
  headers: Record<string, string>;
}

/** How a domain error is answered; undefined for anything that is not one (a 500 then). */
export function wireOf(error: unknown): Wire | undefined {
  if (!(error instanceof LatchkeyError) || !Object.hasOwn(WIRE, error.code)) return undefined;
  const rule = WIRE[error.code as DomainErrorCode];
  const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
  return {
    status: rule.status,
    fault: rule.fault,
    code: rule.code ?? error.code,
    message: error.message,
    faultMessage: rule.faultMessage ?? error.message,
    data: error.data,
    headers: retryAfter ? { 'retry-after': String(retryAfter) } : {},
  };
}
