import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import {
  ACCOUNT_FAILURES_PER_HOUR,
  ACCOUNT_MAILS_PER_HOUR,
  ADDRESS_FAILURES_PER_WINDOW,
  ADDRESS_WINDOW_SECONDS,
  SIGN_IN_FREE_FAILURES,
  SIGN_IN_MAX_WAIT_SECONDS,
  signInWaitSeconds,
} from './policies.js';

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type Refusal = { allowed: false; retryAfterSeconds: number };

/** An account-password attempt that was let through: its outcome must be reported once. */
export interface SignInReservation {
  allowed: true;
  /** The password was wrong: the attempt stays counted, and past the free ones a wait starts. */
  fail(): Promise<void>;
  /** The password was right: the reservation is given back and the pair starts afresh. */
  succeed(): Promise<void>;
  /**
   * The check itself failed (a store error, a bug): neither outcome is known, so the attempt is
   * given back whole, its ticket too, and nobody is locked out by an error of ours.
   */
  abandon(): Promise<void>;
}

export interface Limiters {
  /**
   * Sign-in with an account password. `begin` reserves the attempt atomically *before* the
   * (slow) password check, so a burst of concurrent guesses cannot all slip past the limits
   * while the first ones are still hashing.
   */
  signIn: {
    begin(accountKey: string, addressKey: string): Promise<SignInReservation | Refusal>;
  };
  /**
   * Failed credentials of any kind from one client address (§7: 30 per 5 minutes). A good
   * credential writes nothing: `check` only reads. A failure is counted by one atomic increment,
   * and its answer follows from that count, so of any number of concurrent wrong credentials
   * exactly the allowance is answered as wrong (401); the rest get 429, which says nothing
   * about the guess.
   */
  credentialFailures: {
    check(addressKey: string): Promise<LimitDecision>;
    recordFailure(addressKey: string): Promise<LimitDecision>;
  };
  /**
   * The forms that send a person a link (lost password, registration; SPEC §12). `address`
   * counts every request from one client address (§7's 30 per 5 minutes, a bucket of its own so
   * that it never locks anyone out of signing in); `account` counts the mails one account is
   * sent (3 per hour), whoever asked. Each is one atomic consume.
   */
  accountMail: {
    address(addressKey: string): Promise<LimitDecision>;
    account(accountKey: string): Promise<LimitDecision>;
  };
  store: 'memory' | 'redis';
  /** Resolves when the limits' store answers (Redis PING; memory always does): for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs an attempt's check and reports its outcome exactly once: failed, succeeded, or (when
 * the check throws) abandoned, so an error of ours never leaves a reservation that locks
 * someone out. Resolves to what the check said.
 */
export async function settleSignIn(
  reservation: SignInReservation,
  check: () => Promise<boolean>,
): Promise<boolean> {
  let ok: boolean;
  try {
    ok = await check();
  } catch (error) {
    await reservation.abandon().catch(() => {});
    throw error;
  }
  if (ok) await reservation.succeed();
  else await reservation.fail();
  return ok;
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
    // Loaded only when Redis is configured.
    const { Redis: RedisClient } = await import('ioredis');
    redis = new RedisClient(redisUrl, {
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
  /** Blocked while a pair's wait runs. */
  const pairWait = make('signin-wait', 1, SIGN_IN_MAX_WAIT_SECONDS);
  /**
   * Past the free failures, an attempt needs a ticket, and only a *finished* failure grants one
   * (points 0: a consume passes only after a reward). So while the fifth attempt is still being
   * checked, a sixth finds no ticket and is refused: a burst gets exactly the free attempts.
   */
  const pairTickets = make('signin-ticket', 0, DAY_SECONDS);

  const reserveAddress = async (addressKey: string): Promise<Refusal | undefined> => {
    const address = await tryConsume(addressFailures, addressKey);
    if (address.ok) return undefined;
    // A refused attempt is not a failure: only checked credentials stay counted.
    await addressFailures.reward(addressKey, 1);
    return { allowed: false, retryAfterSeconds: seconds(address.res) };
  };

  /** Refuses an attempt past the free ones unless a finished failure's wait is over. */
  const passGate = async (pair: string, attempt: number): Promise<Refusal | undefined> => {
    const ticket = await tryConsume(pairTickets, pair);
    const wait = await pairWait.get(pair);
    const waiting = wait !== null && wait.consumedPoints > 1;
    if (ticket.ok && !waiting) return undefined;
    // Give back what this attempt took: the ticket (for the attempt that comes after the wait),
    // or the failed consume's increment (so that the next grant is a whole ticket).
    await pairTickets.reward(pair, 1);
    return {
      allowed: false,
      retryAfterSeconds: waiting ? seconds(wait) : Math.max(1, signInWaitSeconds(attempt - 1)),
    };
  };

  const mailAddress = make(
    'account-mail-address',
    ADDRESS_FAILURES_PER_WINDOW,
    ADDRESS_WINDOW_SECONDS,
  );
  const mailAccount = make('account-mail', ACCOUNT_MAILS_PER_HOUR, 3600);
  const consumeOrWait = async (
    limiter: RateLimiterAbstract,
    key: string,
  ): Promise<LimitDecision> => {
    const result = await tryConsume(limiter, key);
    return result.ok
      ? { allowed: true }
      : { allowed: false, retryAfterSeconds: seconds(result.res) };
  };

  return {
    store: redis ? 'redis' : 'memory',
    accountMail: {
      address: (addressKey) => consumeOrWait(mailAddress, addressKey),
      account: (accountKey) => consumeOrWait(mailAccount, accountKey),
    },
    signIn: {
      async begin(accountKey, addressKey) {
        const pair = `${accountKey}|${addressKey}`;
        const address = await reserveAddress(addressKey);
        if (address) return address;
        const account = await tryConsume(accountFailures, accountKey);
        if (!account.ok) {
          await Promise.all([
            addressFailures.reward(addressKey, 1),
            accountFailures.reward(accountKey, 1),
          ]);
          return { allowed: false, retryAfterSeconds: seconds(account.res) };
        }
        const attempt = (await pairAttempts.penalty(pair, 1)).consumedPoints;
        if (attempt > SIGN_IN_FREE_FAILURES) {
          const refused = await passGate(pair, attempt);
          if (refused) {
            // Refused before any check: this attempt is neither counted nor checked.
            await Promise.all([
              addressFailures.reward(addressKey, 1),
              accountFailures.reward(accountKey, 1),
              pairAttempts.reward(pair, 1),
            ]);
            return refused;
          }
        }
        return {
          allowed: true,
          async fail() {
            const waitSeconds = signInWaitSeconds(attempt);
            if (waitSeconds === 0) return;
            // The wait first, then the ticket it guards: an attempt that finds the ticket
            // always sees the wait.
            await pairWait.block(pair, waitSeconds);
            await pairTickets.reward(pair, 1);
          },
          async succeed() {
            await Promise.all([
              addressFailures.reward(addressKey, 1),
              accountFailures.reward(accountKey, 1),
              pairAttempts.delete(pair),
              pairWait.delete(pair),
              pairTickets.delete(pair),
            ]);
          },
          async abandon() {
            await Promise.all([
              addressFailures.reward(addressKey, 1),
              accountFailures.reward(accountKey, 1),
              pairAttempts.reward(pair, 1),
              // Past the free attempts this one held the ticket: hand it on.
              attempt > SIGN_IN_FREE_FAILURES ? pairTickets.reward(pair, 1) : undefined,
            ]);
          },
        };
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
        const res = await addressFailures.penalty(addressKey, 1);
        return res.consumedPoints > ADDRESS_FAILURES_PER_WINDOW
          ? { allowed: false, retryAfterSeconds: seconds(res) }
          : { allowed: true };
      },
    },
    async ping() {
      if (redis) await redis.ping();
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis?.disconnect());
    },
  };
}
