import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { MAX_BCRYPT_COST, verifyLegacyHash } from './hash.js';
import { MAX_PHPASS_LOG2_ROUNDS, verifyPhpassPortable } from './phpass.js';

describe('imported WordPress hashes: costs beyond any WordPress default never verify', () => {
  // What WordPress 6.1 wrote for ada's password in the import fixture (phpass, 2^13 rounds).
  const wordpress = '$P$BZHTACCXNWc7ggvQs4l/HwdkezrTG3/';
  const password = 'Analytical-Engine-1843';

  it('verifies a phpass hash at WordPress’s cost, and refuses a cost above the cap unread', () => {
    expect(verifyPhpassPortable(password, wordpress)).toBe(true);
    expect(verifyPhpassPortable('wrong', wordpress)).toBe(false);
    // `$P$S` is 2^30 rounds (half an hour of MD5): refused unread (computing it would outlast
    // the test's timeout, so the test fails if the cap goes).
    expect(verifyPhpassPortable(password, `$P$S${wordpress.slice(4)}`)).toBe(false);
    expect(MAX_PHPASS_LOG2_ROUNDS).toBeLessThan(20);
  });

  it('verifies bcrypt up to the cap and refuses a higher cost without computing it', async () => {
    const ok = bcrypt.hashSync('password', 4);
    expect(await verifyLegacyHash('password', ok)).toBe(true);
    const tooCostly = ok.replace(/^\$2b\$04\$/, `$2b$${MAX_BCRYPT_COST + 1}$`);
    expect(await verifyLegacyHash('password', tooCostly)).toBe(false);
    expect(await verifyLegacyHash('password', ok.replace(/^\$2b\$04\$/, '$2b$31$'))).toBe(false);
  });
});
