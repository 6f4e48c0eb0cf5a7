import { describe, expect, it } from 'vitest';
import { ACCOUNT_FAILURES_PER_HOUR, ADDRESS_FAILURES_PER_WINDOW } from './policies.js';
import { createLimiters } from './limiters.js';

describe('sign-in limiters (memory store)', () => {
  it('caps attempts per account across all addresses', async () => {
    const limiters = await createLimiters({ redisUrl: undefined, prefix: 'unit-account' });
    for (let i = 0; i < ACCOUNT_FAILURES_PER_HOUR; i++) {
      // A new address each time: neither the pair wait nor the address cap starts.
      expect((await limiters.signIn.begin('user:1', `addr-${i}`)).allowed).toBe(true);
      await limiters.signIn.fail('user:1', `addr-${i}`);
    }
    const decision = await limiters.signIn.begin('user:1', 'addr-new');
    expect(decision.allowed).toBe(false);
    expect(decision.allowed ? 0 : decision.retryAfterSeconds).toBeGreaterThan(3000);
    expect((await limiters.signIn.begin('user:2', 'addr-new')).allowed).toBe(true);
  });

  it('five failures, then one attempt at a time once each wait is over', async () => {
    const limiters = await createLimiters({ redisUrl: undefined, prefix: 'unit-pair' });
    for (let i = 0; i < 5; i++) {
      expect((await limiters.signIn.begin('user:1', 'a')).allowed).toBe(true);
      await limiters.signIn.fail('user:1', 'a');
    }
    const waiting = await limiters.signIn.begin('user:1', 'a');
    expect(waiting).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect((await limiters.signIn.begin('user:1', 'b')).allowed).toBe(true);
  });

  it('reserves attempts before the check, so a concurrent burst cannot exceed the free ones', async () => {
    const limiters = await createLimiters({ redisUrl: undefined, prefix: 'unit-burst' });
    // Fifty attempts begin before any of them has finished its password check.
    const decisions = await Promise.all(
      Array.from({ length: 50 }, () => limiters.signIn.begin('user:1', 'burst')),
    );
    // The five free attempts plus the one the gate lets through.
    expect(decisions.filter((d) => d.allowed)).toHaveLength(6);
  });

  it('a success gives the reservation back and clears the pair', async () => {
    const limiters = await createLimiters({ redisUrl: undefined, prefix: 'unit-success' });
    for (let i = 0; i < 4; i++) {
      await limiters.signIn.begin('user:1', 'a');
      await limiters.signIn.fail('user:1', 'a');
    }
    await limiters.signIn.begin('user:1', 'a');
    await limiters.signIn.succeed('user:1', 'a');
    for (let i = 0; i < 5; i++)
      expect((await limiters.signIn.begin('user:1', 'a')).allowed).toBe(true);
  });

  it('counts failed credentials per address, sign-ins included', async () => {
    const limiters = await createLimiters({ redisUrl: undefined, prefix: 'unit-address' });
    for (let i = 0; i < ADDRESS_FAILURES_PER_WINDOW - 1; i++) {
      expect((await limiters.credentialFailures.check('192.0.2.1')).allowed).toBe(true);
      await limiters.credentialFailures.recordFailure('192.0.2.1');
    }
    expect((await limiters.signIn.begin(`user:9`, '192.0.2.1')).allowed).toBe(true);
    await limiters.signIn.fail('user:9', '192.0.2.1');
    expect((await limiters.credentialFailures.check('192.0.2.1')).allowed).toBe(false);
    expect((await limiters.signIn.begin('user:10', '192.0.2.1')).allowed).toBe(false);
    expect((await limiters.credentialFailures.check('192.0.2.2')).allowed).toBe(true);
  });
});
