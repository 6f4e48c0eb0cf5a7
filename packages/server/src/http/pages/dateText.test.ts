import { describe, expect, it } from 'vitest';
import { expiryText } from './dateText.js';

describe('expiryText', () => {
  it('shows a date picked on a form as that day, not the next midnight', () => {
    // What app-passwords/limits.ts stores for "2027-06-30".
    expect(expiryText(Date.parse('2027-07-01T00:00:00Z'))).toBe('through 30 June 2027');
    expect(expiryText(Date.parse('2028-01-01T00:00:00Z'))).toBe('through 31 December 2027');
  });

  it('shows any other instant with its time', () => {
    expect(expiryText(Date.parse('2027-06-30T15:45:00Z'))).toBe('until 2027-06-30 15:45 UTC');
  });
});
