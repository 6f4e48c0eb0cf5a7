import { describe, expect, it } from 'vitest';
import { isS256CodeChallenge, s256CodeChallenge, verifyS256 } from './pkce.js';

// RFC 7636, Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE S256', () => {
  it('matches the RFC 7636 example', () => {
    expect(s256CodeChallenge(VERIFIER)).toBe(CHALLENGE);
    expect(isS256CodeChallenge(CHALLENGE)).toBe(true);
    expect(verifyS256(CHALLENGE, VERIFIER)).toBe(true);
  });
  it('refuses another verifier, a short one, and the challenge itself', () => {
    expect(verifyS256(CHALLENGE, VERIFIER.replace('d', 'e'))).toBe(false);
    expect(verifyS256(CHALLENGE, 'short')).toBe(false);
    expect(verifyS256(CHALLENGE, CHALLENGE)).toBe(false);
    expect(verifyS256(CHALLENGE, '')).toBe(false);
  });
  it('knows what a challenge looks like', () => {
    expect(isS256CodeChallenge(`${CHALLENGE}=`)).toBe(false);
    expect(isS256CodeChallenge('plain-text-challenge')).toBe(false);
  });
});
