import { describe, expect, it } from 'vitest';
import { waitText } from './secondFactorPage.js';

describe('waitText (the second-factor wait before the script counts it down)', () => {
  it('says seconds under a minute, minutes and seconds above', () => {
    expect(waitText(1)).toBe('1 second');
    expect(waitText(42)).toBe('42 seconds');
    expect(waitText(120)).toBe('2 min');
    expect(waitText(125)).toBe('2 min 5 s');
  });
});
