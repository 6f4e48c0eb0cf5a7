import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLimiters, type Limiters } from './limiters.js';
import {
  ACCOUNT_FAILURES_PER_HOUR,
  ACCOUNT_MAILS_PER_HOUR,
  ADDRESS_FAILURES_PER_WINDOW,
} from './policies.js';

const redisUrl = process.env.REDIS_URL;
const STORES = [
  { name: 'memory', redisUrl: undefined },
  ...(redisUrl ? [{ name: 'redis', redisUrl }] : []),
];

describe.each(STORES)('limiters ($name store)', ({ redisUrl }) => {
  const opened: Limiters[] = [];
  const fresh = async () => {
    const limiters = await createLimiters({
      redisUrl,
      prefix: `unit-${randomBytes(6).toString('hex')}`,
    });
    opened.push(limiters);
    return limiters;
  };
  afterAll(async () => {
    await Promise.all(opened.map((l) => l.close()));
  });

  /** One finished attempt: begin, then the outcome. */
  const failOnce = async (limiters: Limiters, account: string, address: string) => {
    const attempt = await limiters.signIn.begin(account, address);
    expect(attempt.allowed).toBe(true);
    if (attempt.allowed) await attempt.fail();
  };

  it('caps attempts per account across all addresses', async () => {
    const limiters = await fresh();
    // A new address each time: neither the pair wait nor the address cap starts.
    for (let i = 0; i < ACCOUNT_FAILURES_PER_HOUR; i++)
      await failOnce(limiters, 'user:1', `addr-${i}`);
    const decision = await limiters.signIn.begin('user:1', 'addr-new');
    expect(decision.allowed).toBe(false);
    expect(decision.allowed ? 0 : decision.retryAfterSeconds).toBeGreaterThan(3000);
    expect((await limiters.signIn.begin('user:2', 'addr-new')).allowed).toBe(true);
  });

  it('five failures, then a wait; the wait applies to that (account, address) only', async () => {
    const limiters = await fresh();
    for (let i = 0; i < 5; i++) await failOnce(limiters, 'user:1', 'a');
    const waiting = await limiters.signIn.begin('user:1', 'a');
    expect(waiting).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect((await limiters.signIn.begin('user:1', 'b')).allowed).toBe(true);
  });

  it('reserves attempts before the check: a concurrent burst gets exactly the five free ones', async () => {
    const limiters = await fresh();
    // Forty attempts begin before any of them has finished its password check.
    const decisions = await Promise.all(
      Array.from({ length: 40 }, () => limiters.signIn.begin('user:1', 'burst')),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    // While those five are still being checked, nothing more gets through.
    expect((await limiters.signIn.begin('user:1', 'burst')).allowed).toBe(false);
    for (const d of decisions) if (d.allowed) await d.fail();
    expect((await limiters.signIn.begin('user:1', 'burst')).allowed).toBe(false);
  });

  it('a success gives the reservation back and clears the pair', async () => {
    const limiters = await fresh();
    for (let i = 0; i < 4; i++) await failOnce(limiters, 'user:1', 'a');
    const right = await limiters.signIn.begin('user:1', 'a');
    if (!right.allowed) throw new Error('expected a free attempt');
    await right.succeed();
    for (let i = 0; i < 5; i++) await failOnce(limiters, 'user:1', 'a');
  });

  it('counts failed credentials per address, sign-ins included', async () => {
    const limiters = await fresh();
    for (let i = 0; i < ADDRESS_FAILURES_PER_WINDOW - 1; i++)
      expect((await limiters.credentialFailures.recordFailure('192.0.2.1')).allowed).toBe(true);
    await failOnce(limiters, 'user:9', '192.0.2.1');
    expect((await limiters.credentialFailures.check('192.0.2.1')).allowed).toBe(false);
    expect((await limiters.signIn.begin('user:10', '192.0.2.1')).allowed).toBe(false);
    expect((await limiters.credentialFailures.check('192.0.2.2')).allowed).toBe(true);
  });

  it('answers exactly the allowance of a concurrent burst of failures as failures', async () => {
    const limiters = await fresh();
    const burst = await Promise.all(
      Array.from({ length: 40 }, () => limiters.credentialFailures.recordFailure('198.51.100.7')),
    );
    expect(burst.filter((d) => d.allowed)).toHaveLength(ADDRESS_FAILURES_PER_WINDOW);
    expect((await limiters.credentialFailures.check('198.51.100.7')).allowed).toBe(false);
  });

  it('good credentials write nothing: any number of checks leaves the allowance whole', async () => {
    const limiters = await fresh();
    await Promise.all(
      Array.from({ length: 100 }, () => limiters.credentialFailures.check('198.51.100.8')),
    );
    const burst = await Promise.all(
      Array.from({ length: 30 }, () => limiters.credentialFailures.recordFailure('198.51.100.8')),
    );
    expect(burst.every((d) => d.allowed)).toBe(true);
  });

  it('an abandoned attempt (the check threw) gives everything back, its ticket too', async () => {
    const limiters = await fresh();
    for (let i = 0; i < 4; i++) await failOnce(limiters, 'user:1', 'err');
    const fifth = await limiters.signIn.begin('user:1', 'err');
    if (!fifth.allowed) throw new Error('the fifth attempt is free');
    await fifth.abandon();
    // The fifth attempt is free again, and its failure starts the wait as usual.
    await failOnce(limiters, 'user:1', 'err');
    expect((await limiters.signIn.begin('user:1', 'err')).allowed).toBe(false);
    // An attempt that never reached an outcome does not lock the account at another address.
    const elsewhere = await limiters.signIn.begin('user:1', 'err-2');
    if (!elsewhere.allowed) throw new Error('another address is not waiting');
    await elsewhere.abandon();
    for (let i = 0; i < 5; i++) await failOnce(limiters, 'user:1', 'err-2');
  });

  it('link mails: 3 per account and hour, 30 requests per address and 5 minutes, exactly under a burst', async () => {
    const limiters = await fresh();
    const account = await Promise.all(
      Array.from({ length: 10 }, () => limiters.accountMail.account('user:9')),
    );
    expect(account.filter((d) => d.allowed)).toHaveLength(ACCOUNT_MAILS_PER_HOUR);
    const refused = account.find((d) => !d.allowed);
    expect(refused && !refused.allowed && refused.retryAfterSeconds).toBeGreaterThan(3000);
    expect((await limiters.accountMail.account('user:10')).allowed).toBe(true);
    const address = await Promise.all(
      Array.from({ length: 40 }, () => limiters.accountMail.address('203.0.113.5')),
    );
    expect(address.filter((d) => d.allowed)).toHaveLength(ADDRESS_FAILURES_PER_WINDOW);
    // A bucket of its own: sign-in from that address is not touched.
    expect((await limiters.credentialFailures.check('203.0.113.5')).allowed).toBe(true);
  });
});
