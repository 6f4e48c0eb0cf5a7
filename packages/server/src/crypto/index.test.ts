import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  constantTimeEqual,
  deriveKeys,
  keyedHash,
  openSecret,
  randomDigits,
  randomToken,
  sealSecret,
} from './index.js';

describe('sealed secrets (TOTP seeds at rest)', () => {
  const keys = deriveKeys(randomBytes(32));
  const seed = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

  it('opens with the key that sealed it, and hides the plaintext', () => {
    const sealed = sealSecret(keys.secretBox, seed);
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]+$/);
    expect(sealed).not.toContain(seed);
    expect(openSecret(keys.secretBox, sealed)).toBe(seed);
  });

  it('uses a fresh nonce every time, so equal seeds do not look equal at rest', () => {
    expect(sealSecret(keys.secretBox, seed)).not.toBe(sealSecret(keys.secretBox, seed));
  });

  it('refuses another installation key, a key of another purpose, and any altered byte', () => {
    const sealed = sealSecret(keys.secretBox, seed);
    expect(() => openSecret(deriveKeys(randomBytes(32)).secretBox, sealed)).toThrow();
    expect(() => openSecret(keys.codes, sealed)).toThrow();
    const [version, nonce, body] = sealed.split('.') as [string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0]! ^= 1;
    expect(() =>
      openSecret(keys.secretBox, `${version}.${nonce}.${flipped.toString('base64url')}`),
    ).toThrow();
    expect(() => openSecret(keys.secretBox, `v2.${nonce}.${body}`)).toThrow();
  });

  it('derives a different key for every purpose', () => {
    const all = Object.values(keys).map((k) => k.toString('hex'));
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('constantTimeEqual', () => {
  it('compares whole strings, including ones of different lengths', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('deriveKeys', () => {
  const installationKey = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

  it('derives the same subkeys from the same installation key, on every node and after a restart', () => {
    const hex = (keys: ReturnType<typeof deriveKeys>) =>
      Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, v.toString('hex')]));
    expect(hex(deriveKeys(Buffer.from(installationKey)))).toEqual(hex(deriveKeys(installationKey)));
    for (const key of Object.values(deriveKeys(installationKey))) expect(key).toHaveLength(32);
  });

  // Stored session and code hashes and sealed TOTP seeds depend on these exact subkeys: a change
  // to the derivation (hash, info strings, length) would sign everyone out and make every seed
  // unreadable, so it must be a deliberate one that updates this vector.
  it('keeps its derivation: HKDF-SHA256, no salt, info latchkey:<purpose>, 32 bytes', () => {
    const keys = deriveKeys(installationKey);
    expect(keys.sessionToken.toString('hex')).toBe(
      '143db20b646e8646465fd0fac7af5e62bbf7a5c04da339aa0ad55eb932fd6d77',
    );
    expect(keys.csrf.toString('hex')).toBe(
      'ecb2756d032f2b29bcc9fc3620c4640f6eae03e6347ba43d572c0f15303465fa',
    );
    expect(keys.codes.toString('hex')).toBe(
      '3e18d199fd33b97a5179109d750bd97e880ea69fb31399c5ab0f27fa2545dd6f',
    );
    expect(keys.secretBox.toString('hex')).toBe(
      '9ec6dde55c191c92b0a55c0aaf7c68ad5f7fed4e375950bcb6a93812e1c0e42b',
    );
  });

  it('gives another installation entirely different subkeys', () => {
    const ours = Object.values(deriveKeys(installationKey)).map((k) => k.toString('hex'));
    const theirs = Object.values(deriveKeys(randomBytes(32))).map((k) => k.toString('hex'));
    for (const key of theirs) expect(ours).not.toContain(key);
  });
});

describe('keyedHash', () => {
  it('is HMAC-SHA256 in hex (RFC 4231, test case 2)', () => {
    expect(keyedHash(Buffer.from('Jefe'), 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('is deterministic, and changes with the key and with the value', () => {
    const { sessionToken, codes } = deriveKeys(randomBytes(32));
    const token = randomToken();
    expect(keyedHash(sessionToken, token)).toBe(keyedHash(sessionToken, token));
    expect(keyedHash(sessionToken, token)).toMatch(/^[0-9a-f]{64}$/);
    expect(keyedHash(codes, token)).not.toBe(keyedHash(sessionToken, token));
    expect(keyedHash(sessionToken, `${token}x`)).not.toBe(keyedHash(sessionToken, token));
  });
});

describe('randomToken', () => {
  it('is base64url of the bytes asked for: 32 by default (43 characters)', () => {
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(randomToken(), 'base64url')).toHaveLength(32);
    expect(Buffer.from(randomToken(6), 'base64url')).toHaveLength(6);
  });

  it('does not repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => randomToken()));
    expect(tokens.size).toBe(1000);
  });
});

describe('randomDigits', () => {
  it('gives exactly the digits asked for, leading zeros kept', () => {
    for (const length of [0, 1, 6, 8, 20]) {
      const digits = randomDigits(length);
      expect(digits).toHaveLength(length);
      expect(digits).toMatch(/^[0-9]*$/);
    }
    // A first digit of 0 is a tenth of all codes: dropping it (a number formatted without
    // padding) would show here.
    expect(Array.from({ length: 200 }, () => randomDigits(8)).some((c) => c[0] === '0')).toBe(true);
  });

  // Email and recovery codes are 8 such digits. Each digit at each position must be equally
  // likely: chi-squared over 125,000 codes (9 degrees of freedom), per position and for all
  // positions together. The bound, 61, is exceeded by chance less than once in a billion runs.
  // A position that never shows some digit scores in the thousands; the classic modulo bias (a
  // random byte % 10, making 0–5 likelier than 6–9) scores about 45 per position, under the
  // bound, but over 360 for the million digits together.
  it('is uniform at every position of an 8-digit code (chi-squared, no modulo bias)', () => {
    const codes = 125_000;
    const counts = Array.from({ length: 8 }, () => new Array<number>(10).fill(0));
    for (let i = 0; i < codes; i++) {
      const code = randomDigits(8);
      for (let position = 0; position < 8; position++) counts[position]![Number(code[position])]!++;
    }
    const chiSquared = (observed: number[]) => {
      const total = observed.reduce((a, b) => a + b, 0);
      const expected = total / observed.length;
      return observed.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
    };
    for (const [position, observed] of counts.entries())
      expect(chiSquared(observed), `position ${position}`).toBeLessThan(61);
    const overall = counts.reduce(
      (sum, row) => sum.map((s, d) => s + row[d]!),
      new Array<number>(10).fill(0),
    );
    expect(chiSquared(overall), 'all positions').toBeLessThan(61);
  });
});
