import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKeys, openSecret } from '../../src/crypto/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { enableTotp } from '../helpers/twoFactor.js';

/** SPEC §6.3 [ours]: a TOTP seed is encrypted at rest with the installation key. */
describe.each(STORES)('TOTP seeds at rest ($name)', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('the stored row holds no seed in clear, and opens only with this installation’s key', async () => {
    const user = await server.createUser('sealed', 'author');
    const secret = await enableTotp(server, user);
    const row = await server.latchkey.store.db
      .selectFrom('user_two_factor')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.totp_secret).toMatch(/^v1\./);
    expect(openSecret(server.latchkey.ctx.keys.secretBox, row.totp_secret!)).toBe(secret);
    expect(() => openSecret(deriveKeys(randomBytes(32)).secretBox, row.totp_secret!)).toThrow();
  });
});
