export { createLimiters, type Limiters, type LimitDecision } from './limiters.js';
export {
  signInWaitSeconds,
  ACCOUNT_FAILURES_PER_HOUR,
  ADDRESS_FAILURES_PER_WINDOW,
} from './policies.js';
