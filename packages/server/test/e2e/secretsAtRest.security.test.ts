import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKeys, openSecret, sealSecret } from '../../src/crypto/index.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { enableTotp } from '../helpers/twoFactor.js';

/** SPEC §6.3 [ours]: a TOTP seed is encrypted at rest with the installation key. */
describe.each(STORES)('TOTP seeds at rest, SPEC §6.3 ($name)', (store) => {
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

  it('a seed sealed under another key is not offered at sign-in: the other methods are, no 500', async () => {
    const user = await server.createUser('otherkey', 'author');
    await enableTotp(server, user);
    const db = server.latchkey.store.db;
    await db
      .updateTable('user_two_factor')
      .set({ totp_secret: sealSecret(deriveKeys(randomBytes(32)).secretBox, 'JBSWY3DPEHPK3PXP') })
      .where('user_id', '=', user.id)
      .execute();
    await db
      .updateTable('users')
      .set({ email_verified_at: server.clock.now })
      .where('id', '=', user.id)
      .execute();
    const page = await new BrowserClient(server.url).signIn('otherkey', 'yekrehto-Pass-1234');
    expect(page.status).toBe(200);
    expect(page.text_).toContain('Code from the email we sent');
    expect(page.text_).not.toContain('data-switch="totp"');
  });
});
