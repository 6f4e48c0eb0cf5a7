import { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
  type RateLimiterRes,
} from 'rate-limiter-flexible';
import {
  ACCOUNT_FAILURES_PER_HOUR,
  ADDRESS_FAILURES_PER_WINDOW,
  ADDRESS_WINDOW_SECONDS,
  SIGN_IN_MAX_WAIT_SECONDS,
  signInWaitSeconds,
} from './policies.js';

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface Limiters {
  /** Sign-in with an account password: per (account, address) waits and a per-account cap. */
  signIn: {
    check(accountKey: string, addressKey: string): Promise<LimitDecision>;
    recordFailure(accountKey: string, addressKey: string): Promise<void>;
    recordSuccess(accountKey: string, addressKey: string): Promise<void>;
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

  const pairFailures = make('signin-pair', 1_000_000, DAY_SECONDS);
  const pairWait = make('signin-wait', 1, SIGN_IN_MAX_WAIT_SECONDS);
  const accountFailures = make('signin-account', ACCOUNT_FAILURES_PER_HOUR, 3600);
  const addressFailures = make(
    'credential-address',
    ADDRESS_FAILURES_PER_WINDOW,
    ADDRESS_WINDOW_SECONDS,
  );

  const waitFrom = (res: RateLimiterRes | null, points: number): number =>
    res && res.consumedPoints >= points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;

  return {
    store: redis ? 'redis' : 'memory',
    signIn: {
      async check(accountKey, addressKey) {
        const pair = `${accountKey}|${addressKey}`;
        const [wait, account] = await Promise.all([
          pairWait.get(pair),
          accountFailures.get(accountKey),
        ]);
        const seconds = Math.max(waitFrom(wait, 1), waitFrom(account, ACCOUNT_FAILURES_PER_HOUR));
        return seconds > 0 ? { allowed: false, retryAfterSeconds: seconds } : { allowed: true };
      },
      async recordFailure(accountKey, addressKey) {
        const pair = `${accountKey}|${addressKey}`;
        const [res] = await Promise.all([
          pairFailures.penalty(pair, 1),
          accountFailures.penalty(accountKey, 1),
        ]);
        const wait = signInWaitSeconds(res.consumedPoints);
        if (wait > 0) await pairWait.block(pair, wait);
      },
      async recordSuccess(accountKey, addressKey) {
        const pair = `${accountKey}|${addressKey}`;
        await Promise.all([pairFailures.delete(pair), pairWait.delete(pair)]);
      },
    },
    credentialFailures: {
      async check(addressKey) {
        const seconds = waitFrom(
          await addressFailures.get(addressKey),
          ADDRESS_FAILURES_PER_WINDOW,
        );
        return seconds > 0 ? { allowed: false, retryAfterSeconds: seconds } : { allowed: true };
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
