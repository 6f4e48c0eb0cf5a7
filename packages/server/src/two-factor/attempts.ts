import type { User } from '../accounts/index.js';
import type { TwoFactorDeps } from './deps.js';
import { forcePasswordReset } from './forcedReset.js';
import {
  FORCED_RESET_AFTER_FAILURES,
  effectiveFailures,
  secondFactorWaitSeconds,
  secondsUntilNextAttempt,
} from './policies.js';
import { ensureTwoFactorRow, loadTwoFactorState, saveTwoFactorState } from './state.js';

export type FailureOutcome =
  { forcedReset: false; failures: number; waitSeconds: number } | { forcedReset: true };

/** How long one attempt may hold the lock if its process dies mid-check. */
const ATTEMPT_LOCK_MS = 30_000;

/** The attempt lock, the backoff between failed second factors, and the count behind both. */
export function createAttempts(deps: TwoFactorDeps) {
  const { db } = deps;

  async function endAttempt(user: User): Promise<void> {
    await db
      .updateTable('user_two_factor')
      .set({ attempt_lock_until: null })
      .where('user_id', '=', user.id)
      .execute();
  }

  async function secondsToWait(user: User): Promise<number> {
    const state = await loadTwoFactorState(db, user.id);
    return secondsUntilNextAttempt(state.failures, state.lastFailureAt, deps.now());
  }

  return {
    /**
     * Takes the user's attempt lock (atomically) and checks the backoff. While one attempt is
     * being checked, others wait: concurrent guesses cannot share one backoff step.
     */
    async beginAttempt(
      user: User,
    ): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
      const now = deps.now();
      await ensureTwoFactorRow(db, user.id);
      const taken = await db
        .updateTable('user_two_factor')
        .set({ attempt_lock_until: now + ATTEMPT_LOCK_MS })
        .where('user_id', '=', user.id)
        .where((eb) =>
          eb.or([eb('attempt_lock_until', 'is', null), eb('attempt_lock_until', '<=', now)]),
        )
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 0) return { ok: false, retryAfterSeconds: 1 };
      const wait = await secondsToWait(user);
      if (wait > 0) {
        await endAttempt(user);
        return { ok: false, retryAfterSeconds: wait };
      }
      return { ok: true };
    },

    endAttempt,
    secondsToWait,

    async recordSuccess(user: User): Promise<void> {
      await saveTwoFactorState(db, user.id, { failures: 0, lastFailureAt: null });
    },

    /** Counts a failure; the 30th without success resets the account password (SPEC §6.2). */
    async recordFailure(user: User, ip: string): Promise<FailureOutcome> {
      const now = deps.now();
      const state = await loadTwoFactorState(db, user.id);
      const failures = effectiveFailures(state.failures, state.lastFailureAt, now) + 1;
      await saveTwoFactorState(db, user.id, { failures, lastFailureAt: now });
      if (failures < FORCED_RESET_AFTER_FAILURES)
        return { forcedReset: false, failures, waitSeconds: secondFactorWaitSeconds(failures) };
      await forcePasswordReset(deps, user, ip);
      return { forcedReset: true };
    },
  };
}
