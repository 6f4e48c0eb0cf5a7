import { describe, expect, it } from 'vitest';
import { ACCOUNT_FAILURES_PER_HOUR, ADDRESS_FAILURES_PER_WINDOW } from './policies.js';
import { createLimiters } from './limiters.js';

describe('limiters (memory store)', () => {
  it('caps failures per account across all addresses', async () => {
    const limiters = await createLimiters({ redisUrl: undefined, prefix: 'unit-account' });
    for (let i = 0; i < ACCOUNT_FAILURES_PER_HOUR; i++) {
      // A new address each time: the per-(account, address) wait never starts.
      expect((await limiters.signIn.check('user:1', `198.51.100.${i % 250}-${i}`)).allowed).toBe(
        true,
      );
      await limiters.signIn.recordFailure('user:1', `198.51.100.${i % 250}-${i}`);
    }
    const decision = await limiters.signIn.check('user:1', '203.0.113.1');
    expect(decision.allowed).toBe(false);
    expect(decision.allowed ? 0 : decision.retryAfterSeconds).toBeGreaterThan(3000);
    expect((await limiters.signIn.check('user:2', '203.0.113.1')).allowed).toBe(true);
  });

  it('a success clears the per-address wait but not the account count', async () => {
    const limiters = await createLimiters({ redisUrl: undefined, prefix: 'unit-pair' });
    for (let i = 0; i < 5; i++) await limiters.signIn.recordFailure('user:1', 'a');
    expect((await limiters.signIn.check('user:1', 'a')).allowed).toBe(false);
    expect((await limiters.signIn.check('user:1', 'b')).allowed).toBe(true);
    await limiters.signIn.recordSuccess('user:1', 'a');
    expect((await limiters.signIn.check('user:1', 'a')).allowed).toBe(true);
  });

  it('counts failed credentials per address', async () => {
    const limiters = await createLimiters({ redisUrl: undefined, prefix: 'unit-address' });
    for (let i = 0; i < ADDRESS_FAILURES_PER_WINDOW; i++) {
      expect((await limiters.credentialFailures.check('192.0.2.1')).allowed).toBe(true);
      await limiters.credentialFailures.recordFailure('192.0.2.1');
    }
    expect((await limiters.credentialFailures.check('192.0.2.1')).allowed).toBe(false);
    expect((await limiters.credentialFailures.check('192.0.2.2')).allowed).toBe(true);
  });
});
