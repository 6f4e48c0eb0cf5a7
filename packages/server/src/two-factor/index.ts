export {
  createTwoFactor,
  type TwoFactor,
  type TwoFactorDeps,
  type LoginChallenge,
  type TwoFactorStatus,
  type FailureOutcome,
} from './service.js';
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
export { loadTwoFactorState, listWebauthnCredentials, clearLoginChallenges } from './state.js';
export { totpCode, verifyTotp, totpUri, generateTotpSecret } from './totp.js';
