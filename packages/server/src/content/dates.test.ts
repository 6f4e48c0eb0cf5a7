import { describe, expect, it } from 'vitest';
import { formatGmt, formatLocal, humanDate, parseRestDate } from './dates.js';

const at = Date.UTC(2026, 10, 22, 12, 10, 12);

describe('REST dates', () => {
  it('formats UTC and site-local times without a zone', () => {
    expect(formatGmt(at)).toBe('2026-11-22T12:10:12');
    expect(formatLocal(at, 'UTC')).toBe('2026-11-22T12:10:12');
    expect(formatLocal(at, 'Europe/Paris')).toBe('2026-11-22T13:10:12');
    expect(formatLocal(at, 'Not/AZone')).toBe('2026-11-22T12:10:12');
  });

  it('parses dates with and without a zone', () => {
    expect(parseRestDate('2026-11-22T12:10:12', 'UTC')).toBe(at);
    expect(parseRestDate('2026-11-22T13:10:12', 'Europe/Paris')).toBe(at);
    expect(parseRestDate('2026-11-22T14:10:12+02:00', 'UTC')).toBe(at);
    expect(parseRestDate('2026-11-22T12:10:12Z', 'Europe/Paris')).toBe(at);
    expect(parseRestDate('2026-07-01T12:00:00', 'Europe/Paris')).toBe(Date.UTC(2026, 6, 1, 10));
  });

  it('refuses what is not a date', () => {
    for (const bad of ['', 'yesterday', '2026-02-30T00:00:00', '2026-11-22', '2026-11-22T25:00:00'])
      expect(parseRestDate(bad, 'UTC'), bad).toBeUndefined();
  });

  it('writes human dates in the site zone', () => {
    expect(humanDate(at, 'UTC')).toBe('November 22, 2026');
  });
});
