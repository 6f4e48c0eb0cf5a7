import { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import {
  ACCOUNT_FAILURES_PER_HOUR,
  ADDRESS_FAILURES_PER_WINDOW,
  ADDRESS_WINDOW_SECONDS,
  SIGN_IN_FREE_FAILURES,
  SIGN_IN_MAX_WAIT_SECONDS,
  signInWaitSeconds,
} from './policies.js';

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface Limiters {
  /**
   * Sign-in with an account password. `begin` reserves the attempt atomically *before* the
   * (slow) password check, so a burst of concurrent guesses cannot all slip past the limits
   * while the first ones are still hashing; `succeed` gives the reservation back.
   */
  signIn: {
    begin(accountKey: string, addressKey: string): Promise<LimitDecision>;
    fail(accountKey: string, addressKey: string): Promise<void>;
    succeed(accountKey: string, addressKey: string): Promise<void>;
  };
  /** Failed credentials of any kind from one client address (§7: 30 per 5 minutes). */
  credentialFailures: {
    check(addressKey: string): Promise<LimitDecision>;
    recordFailure(addressKey: string): Promise<void>;
  };
  store: 'memory' | 'redis';
  close(): Promise<void>;
}

export interface LimiterOptions {
  redisUrl: string | undefined;
  /** Key prefix in the shared store; nodes of one site must use the same. */
  prefix: string;
}

const DAY_SECONDS = 24 * 3600;

const seconds = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/** `consume` that reports a refusal as a value instead of a rejection. */
async function tryConsume(
  limiter: RateLimiterAbstract,
  key: string,
): Promise<{ ok: true } | { ok: false; res: RateLimiterRes }> {
  try {
    await limiter.consume(key, 1);
    return { ok: true };
  } catch (error) {
    if (error instanceof RateLimiterRes) return { ok: false, res: error };
    throw error;
  }
}

export async function createLimiters({ redisUrl, prefix }: LimiterOptions): Promise<Limiters> {
  let redis: Redis | undefined;
  if (redisUrl) {
    redis = new Redis(redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    await redis.connect();
  }
  const make = (name: string, points: number, duration: number): RateLimiterAbstract =>
    redis
      ? new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `${prefix}:${name}`,
          points,
          duration,
        })
      : new RateLimiterMemory({ keyPrefix: `${prefix}:${name}`, points, duration });

  const addressFailures = make(
    'credential-address',
    ADDRESS_FAILURES_PER_WINDOW,
    ADDRESS_WINDOW_SECONDS,
  );
  const accountFailures = make('signin-account', ACCOUNT_FAILURES_PER_HOUR, 3600);
  /** Attempts per (account, address) that failed or are still being checked. */
  const pairAttempts = make('signin-pair', 1_000_000, DAY_SECONDS);
  /** Past the free failures, one attempt at a time, and only once the wait is over. */
  const pairGate = make('signin-gate', 1, SIGN_IN_MAX_WAIT_SECONDS);

  return {
    store: redis ? 'redis' : 'memory',
    signIn: {
      async begin(accountKey, addressKey) {
        const pair = `${accountKey}|${addressKey}`;
        const address = await tryConsume(addressFailures, addressKey);
        if (!address.ok) return { allowed: false, retryAfterSeconds: seconds(address.res) };
        const account = await tryConsume(accountFailures, accountKey);
        if (!account.ok) {
          await addressFailures.reward(addressKey, 1);
          return { allowed: false, retryAfterSeconds: seconds(account.res) };
        }
        const attempts = await pairAttempts.penalty(pair, 1);
        if (attempts.consumedPoints > SIGN_IN_FREE_FAILURES) {
          const gate = await tryConsume(pairGate, pair);
          if (!gate.ok) {
            // Refused before any check: this attempt is neither counted nor checked.
            await Promise.all([
              addressFailures.reward(addressKey, 1),
              accountFailures.reward(accountKey, 1),
              pairAttempts.reward(pair, 1),
            ]);
            return { allowed: false, retryAfterSeconds: seconds(gate.res) };
          }
        }
        return { allowed: true };
      },
      async fail(accountKey, addressKey) {
        const pair = `${accountKey}|${addressKey}`;
        const attempts = await pairAttempts.get(pair);
        const wait = signInWaitSeconds(attempts?.consumedPoints ?? 0);
        if (wait > 0) await pairGate.block(pair, wait);
      },
      async succeed(accountKey, addressKey) {
        const pair = `${accountKey}|${addressKey}`;
        await Promise.all([
          addressFailures.reward(addressKey, 1),
          accountFailures.reward(accountKey, 1),
          pairAttempts.delete(pair),
          pairGate.delete(pair),
        ]);
      },
    },
    credentialFailures: {
      async check(addressKey) {
        const res = await addressFailures.get(addressKey);
        return res && res.consumedPoints >= ADDRESS_FAILURES_PER_WINDOW
          ? { allowed: false, retryAfterSeconds: seconds(res) }
          : { allowed: true };
      },
      async recordFailure(addressKey) {
        await addressFailures.penalty(addressKey, 1);
      },
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis?.disconnect());
    },
  };
}
