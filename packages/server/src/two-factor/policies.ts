/** Pure rules of the second factor (SPEC §6.2–6.4); the clock is always passed in. */

export const MAX_WAIT_SECONDS = 900;
export const FAILURE_DECAY_MS = 24 * 3600 * 1000;
export const FORCED_RESET_AFTER_FAILURES = 30;
export const CHALLENGE_TTL_MS = 10 * 60 * 1000;
export const EMAIL_CODE_TTL_MS = 10 * 60 * 1000;
export const PENDING_TOTP_TTL_MS = 15 * 60 * 1000;
export const STEP_UP_WINDOW_MS = 10 * 60 * 1000;
export const BACKUP_CODE_COUNT = 10;
export const LOW_BACKUP_CODES = 2;

/** Failures still counting: they fall away 24 h after the last one. */
export function effectiveFailures(
  failures: number,
  lastFailureAt: number | null,
  nowMs: number,
): number {
  if (failures <= 0 || lastFailureAt === null) return 0;
  return nowMs - lastFailureAt >= FAILURE_DECAY_MS ? 0 : failures;
}

/** After n failures the next attempt waits min(2^n, 900) s from the last failure; 0 if none. */
export function secondFactorWaitSeconds(failures: number): number {
  return failures <= 0 ? 0 : Math.min(2 ** Math.min(failures, 20), MAX_WAIT_SECONDS);
}

/** Seconds left before another attempt may be checked (0: go ahead). */
export function secondsUntilNextAttempt(
  failures: number,
  lastFailureAt: number | null,
  nowMs: number,
): number {
  const n = effectiveFailures(failures, lastFailureAt, nowMs);
  if (n === 0 || lastFailureAt === null) return 0;
  const readyAt = lastFailureAt + secondFactorWaitSeconds(n) * 1000;
  return readyAt > nowMs ? Math.ceil((readyAt - nowMs) / 1000) : 0;
}

export type ResendDecision = { send: true } | { send: false; retryAfterSeconds: number };

/** Email codes: at most one a minute and five an hour (rolling), the automatic first mail included. */
export function emailSendDecision(sentAt: readonly number[], nowMs: number): ResendDecision {
  const lastHour = sentAt.filter((t) => nowMs - t < 3600_000).sort((a, b) => a - b);
  const last = lastHour[lastHour.length - 1];
  let wait = 0;
  if (last !== undefined && nowMs - last < 60_000) wait = 60_000 - (nowMs - last);
  if (lastHour.length >= 5)
    wait = Math.max(wait, 3600_000 - (nowMs - lastHour[lastHour.length - 5]!));
  return wait > 0 ? { send: false, retryAfterSeconds: Math.ceil(wait / 1000) } : { send: true };
}

/** Codes are typed by people: whitespace anywhere is ignored. */
export function normalizeCode(code: unknown): string {
  return typeof code === 'string' ? code.replace(/\s+/g, '') : '';
}
