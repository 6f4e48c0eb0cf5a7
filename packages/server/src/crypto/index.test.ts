import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, deriveKeys, openSecret, sealSecret } from './index.js';

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
