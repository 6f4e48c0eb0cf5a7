import {
  LOW_BACKUP_CODES,
  PROVIDER_LABELS,
  type TwoFactorStatus,
} from '../../../two-factor/index.js';
import { html, type Html } from '../../html.js';
import { plural } from '../plural.js';
import { TWO_FACTOR_PAGE } from './twoFactorPaths.js';

/** "You have N recovery codes left." when 1–2 remain (SPEC §6.3, §6.4); else nothing. */
export function lowBackupCodesWarning(status: TwoFactorStatus): Html {
  const n = status.backup_codes_remaining;
  if (!status.enabled.includes('backup_codes') || n < 1 || n > LOW_BACKUP_CODES) return html``;
  return html`<p class="error" id="low-recovery-codes"><strong>You have ${plural(n, 'recovery code', 'recovery codes')} left.</strong> <a href="${TWO_FACTOR_PAGE}#backup-codes">Generate new ones</a> before you run out.</p>`;
}

/** One line for /account: on or off, and with what. */
export function twoFactorSummary(status: TwoFactorStatus): Html {
  if (status.enabled.length === 0)
    return html`<span id="two-factor-state">Off</span>: signing in needs only your password.`;
  return html`<span id="two-factor-state">On</span>: ${status.enabled.map((p) => PROVIDER_LABELS[p]).join(', ')}${status.primary ? html` (asked for first: ${PROVIDER_LABELS[status.primary].toLowerCase()})` : ''}.`;
}
