import { Secret } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { hotpCode, totpCode, totpUri, verifyTotp, generateTotpSecret, totpStep } from './totp.js';

const ascii = (s: string) =>
  new Secret({ buffer: new TextEncoder().encode(s).buffer as ArrayBuffer });

describe('RFC 4226 Appendix D (HOTP)', () => {
  const expected = [
    '755224',
    '287082',
    '359152',
    '969429',
    '338314',
    '254676',
    '287922',
    '162583',
    '399871',
    '520489',
  ];
  it.each(expected.map((code, counter) => [counter, code]))('counter %i → %s', (counter, code) => {
    expect(hotpCode(ascii('12345678901234567890'), counter)).toBe(code);
  });
});

describe('RFC 6238 Appendix B (TOTP, 8 digits)', () => {
  const seeds = {
    SHA1: '12345678901234567890',
    SHA256: '12345678901234567890123456789012',
    SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
  } as const;
  const table: Array<[number, string, string, string]> = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  it.each(table)('T=%i', (seconds, sha1, sha256, sha512) => {
    for (const [algorithm, expected] of [
      ['SHA1', sha1],
      ['SHA256', sha256],
      ['SHA512', sha512],
    ] as const) {
      expect(
        totpCode({ secret: ascii(seeds[algorithm]), timeMs: seconds * 1000, algorithm, digits: 8 }),
      ).toBe(expected);
    }
  });
});

describe('verifyTotp', () => {
  const secret = generateTotpSecret();
  const now = 1_800_000_000_000;
  const at = (offsetSteps: number) => totpCode({ secret, timeMs: now + offsetSteps * 30_000 });

  it('makes 32-character base32 secrets', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  });
  it('accepts ±1 step by default and refuses ±2', () => {
    for (const d of [-1, 0, 1])
      expect(verifyTotp({ secret, code: at(d), nowMs: now, window: 1, lastUsedStep: null })).toBe(
        totpStep(now) + d,
      );
    for (const d of [-2, 2])
      expect(
        verifyTotp({ secret, code: at(d), nowMs: now, window: 1, lastUsedStep: null }),
      ).toBeNull();
    expect(verifyTotp({ secret, code: at(2), nowMs: now, window: 2, lastUsedStep: null })).toBe(
      totpStep(now) + 2,
    );
  });
  it('refuses a used step and any earlier one (replay)', () => {
    const step = verifyTotp({ secret, code: at(0), nowMs: now, window: 1, lastUsedStep: null })!;
    expect(
      verifyTotp({ secret, code: at(0), nowMs: now, window: 1, lastUsedStep: step }),
    ).toBeNull();
    expect(
      verifyTotp({ secret, code: at(-1), nowMs: now, window: 1, lastUsedStep: step }),
    ).toBeNull();
    expect(verifyTotp({ secret, code: at(1), nowMs: now, window: 1, lastUsedStep: step })).toBe(
      step + 1,
    );
  });
  it('ignores whitespace and refuses non-digits', () => {
    const code = at(0);
    expect(
      verifyTotp({
        secret,
        code: ` ${code.slice(0, 3)} ${code.slice(3)} `,
        nowMs: now,
        window: 1,
        lastUsedStep: null,
      }),
    ).not.toBeNull();
    expect(
      verifyTotp({ secret, code: 'abcdef', nowMs: now, window: 1, lastUsedStep: null }),
    ).toBeNull();
  });
  it('builds the otpauth URI with the label encoded as a whole', () => {
    expect(totpUri('My Site', 'ann@example.com', 'JBSWY3DPEHPK3PXP')).toBe(
      'otpauth://totp/My%20Site%3Aann%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=My%20Site&algorithm=SHA1&digits=6&period=30',
    );
  });
});
