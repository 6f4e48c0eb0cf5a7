export { createTwoFactor, type TwoFactor } from './createTwoFactor.js';
export type { TwoFactorDeps } from './deps.js';
export { clearLoginChallenges, type LoginChallenge } from './loginChallenges.js';
export type { TwoFactorStatus } from './enrolmentFacts.js';
export type { FailureOutcome } from './attempts.js';
export { TwoFactorError } from './errors.js';
export {
  PROVIDERS,
  PROVIDER_LABELS,
  PROVIDER_SWITCH_LABELS,
  isProviderId,
  availableProviders,
  primaryProvider,
  usesTwoFactor,
  type ProviderId,
  type TwoFactorFacts,
} from './providers.js';
export {
  STEP_UP_WINDOW_MS,
  LOW_BACKUP_CODES,
  normalizeCode,
  secondsUntilNextAttempt,
} from './policies.js';
export { loadTwoFactorState, listWebauthnCredentials } from './state.js';
export { totpCode, verifyTotp, totpUri, generateTotpSecret } from './totp.js';
