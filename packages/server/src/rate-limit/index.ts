export {
  createLimiters,
  settleSignIn,
  type Limiters,
  type LimitDecision,
  type Refusal,
  type SignInReservation,
} from './limiters.js';
export {
  signInWaitSeconds,
  ACCOUNT_FAILURES_PER_HOUR,
  ADDRESS_FAILURES_PER_WINDOW,
  ACCOUNT_MAILS_PER_HOUR,
} from './policies.js';
