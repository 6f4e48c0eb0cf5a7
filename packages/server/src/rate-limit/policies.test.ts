import { describe, expect, it } from 'vitest';
import { signInWaitSeconds } from './policies.js';

describe('signInWaitSeconds', () => {
  it('lets five failures through, then doubles up to 15 minutes', () => {
    expect([0, 1, 4].map(signInWaitSeconds)).toEqual([0, 0, 0]);
    expect([5, 6, 7, 8, 9, 10, 11, 50].map(signInWaitSeconds)).toEqual([
      30, 60, 120, 240, 480, 900, 900, 900,
    ]);
  });
});
