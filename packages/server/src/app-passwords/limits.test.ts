import { describe, expect, it } from 'vitest';
import { CredentialLimitError, parseCredentialLimits } from './limits.js';

const now = Date.parse('2026-11-27T12:00:00Z');

describe('parseCredentialLimits', () => {
  it('defaults to full, no ceiling, no expiry', () => {
    expect(parseCredentialLimits({}, 'author', now)).toEqual({
      scope: 'full',
      roleCeiling: null,
      expires: null,
    });
  });
  it('accepts a lower ceiling, drops an equal one, refuses a higher one', () => {
    expect(parseCredentialLimits({ roleCeiling: 'author' }, 'administrator', now).roleCeiling).toBe(
      'author',
    );
    expect(parseCredentialLimits({ roleCeiling: 'author' }, 'author', now).roleCeiling).toBeNull();
    expect(() => parseCredentialLimits({ roleCeiling: 'editor' }, 'author', now)).toThrow(
      CredentialLimitError,
    );
    expect(() => parseCredentialLimits({ roleCeiling: 'root' }, 'administrator', now)).toThrow(
      /role_ceiling/,
    );
  });
  it('reads dates as through the end of that day (UTC) and date-times without a zone as UTC', () => {
    expect(parseCredentialLimits({ expires: '2026-12-01' }, 'author', now).expires).toBe(
      Date.parse('2026-12-02T00:00:00Z'),
    );
    expect(parseCredentialLimits({ expires: '2026-12-01T10:00:00' }, 'author', now).expires).toBe(
      Date.parse('2026-12-01T10:00:00Z'),
    );
    const detailOf = (expires: string) => {
      try {
        parseCredentialLimits({ expires }, 'author', now);
      } catch (error) {
        expect(error).toBeInstanceOf(CredentialLimitError);
        expect((error as CredentialLimitError).message).toBe('Invalid parameter(s): expires');
        return (error as CredentialLimitError).detail;
      }
      return 'accepted';
    };
    expect(detailOf('2026-11-01')).toMatch(/future/);
    expect(detailOf('soon')).toMatch(/date/);
  });
  it('never widens past the creating credential', () => {
    expect(parseCredentialLimits({ scope: 'full' }, 'author', now, 'content').scope).toBe(
      'content',
    );
    expect(() => parseCredentialLimits({ scope: 'admin' }, 'author', now)).toThrow(/scope/);
  });
});
