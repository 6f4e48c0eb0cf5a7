import { describe, expect, it } from 'vitest';
import {
  effectiveFailures,
  emailSendDecision,
  secondFactorWaitSeconds,
  secondsUntilNextAttempt,
} from './policies.js';

describe('second-factor backoff', () => {
  it('waits min(2^n, 900) seconds', () => {
    expect([0, 1, 2, 3, 9, 10, 30].map(secondFactorWaitSeconds)).toEqual([
      0, 2, 4, 8, 512, 900, 900,
    ]);
  });
  it('counts from the last failure and decays after 24 h without failures', () => {
    const t = 1_000_000_000;
    expect(secondsUntilNextAttempt(3, t, t + 1000)).toBe(7);
    expect(secondsUntilNextAttempt(3, t, t + 8000)).toBe(0);
    expect(effectiveFailures(29, t, t + 24 * 3600_000 - 1)).toBe(29);
    expect(effectiveFailures(29, t, t + 24 * 3600_000)).toBe(0);
  });
});

describe('email resend throttle', () => {
  const t = 5_000_000;
  it('allows one a minute', () => {
    expect(emailSendDecision([], t)).toEqual({ send: true });
    expect(emailSendDecision([t - 30_000], t)).toEqual({ send: false, retryAfterSeconds: 30 });
    expect(emailSendDecision([t - 60_000], t)).toEqual({ send: true });
  });
  it('allows five an hour, rolling', () => {
    const five = [
      t - 50 * 60_000,
      t - 40 * 60_000,
      t - 30 * 60_000,
      t - 20 * 60_000,
      t - 10 * 60_000,
    ];
    expect(emailSendDecision(five, t)).toEqual({ send: false, retryAfterSeconds: 10 * 60 });
    expect(emailSendDecision(five, t + 10 * 60_000)).toEqual({ send: true });
  });
});
