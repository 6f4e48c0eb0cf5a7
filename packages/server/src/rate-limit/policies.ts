/** Pure decisions about waits; the limiter module applies them. */

export const SIGN_IN_FREE_FAILURES = 5;
export const SIGN_IN_MAX_WAIT_SECONDS = 900;
export const SIGN_IN_FIRST_WAIT_SECONDS = 30;

/** After `failures` failed sign-ins for one (account, address), how long the next must wait. */
export function signInWaitSeconds(failures: number): number {
  if (failures < SIGN_IN_FREE_FAILURES) return 0;
  const doublings = Math.min(failures - SIGN_IN_FREE_FAILURES, 10);
  return Math.min(SIGN_IN_FIRST_WAIT_SECONDS * 2 ** doublings, SIGN_IN_MAX_WAIT_SECONDS);
}

export const ACCOUNT_FAILURES_PER_HOUR = 100;
export const ADDRESS_FAILURES_PER_WINDOW = 30;
export const ADDRESS_WINDOW_SECONDS = 300;

/** SPEC §12: mails with a single-use link (reset, set-password) per account and hour. */
export const ACCOUNT_MAILS_PER_HOUR = 3;
