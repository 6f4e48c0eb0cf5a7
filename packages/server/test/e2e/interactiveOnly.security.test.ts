import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserById } from '../../src/accounts/index.js';
import { createApplicationPassword } from '../../src/app-passwords/index.js';
import { api, basic } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { startTestServer, type TestServer, testPassword } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

/**
 * SPEC §3.2 [ours]: an application password never takes over its account. Whatever its scope
 * or ceiling, it cannot set a password, move the email address, or touch a second factor.
 */
const SUITE = 'application passwords are not interactive sign-ins, SPEC §3.2 ($name)';

describe.each(STORES)(SUITE, (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(async () => {
    await server?.close();
  });

  const passwordFor = async (userId: number, roleCeiling: string | null = null) =>
    (
      await createApplicationPassword(
        server.latchkey.store.db,
        { userId, name: 'takeover-attempt', roleCeiling },
        server.clock.now,
      )
    ).password;

  const refused = (response: { status: number; json: { code: string; message: string } }) => {
    expect(response.status).toBe(403);
    expect(response.json.code).toBe('latchkey_interactive_only');
    expect(response.json.message).toBe('This change needs an interactive sign-in.');
  };

  it('cannot set the account password, with any ceiling, own or another user’s', async () => {
    const owner = await server.createUser('apowner', 'administrator');
    const victim = await server.createUser('apvictim', 'author');
    for (const ceiling of [null, 'subscriber']) {
      const auth = basic('apowner', await passwordFor(owner.id, ceiling));
      refused(
        await api(server, 'POST', '/wp/v2/users/me', {
          auth,
          body: { password: 'taken-over-1234' },
        }),
      );
      refused(
        await api(server, 'PUT', `/wp/v2/users/${owner.id}`, {
          auth,
          body: { password: 'taken-over-1234' },
        }),
      );
    }
    refused(
      await api(server, 'POST', `/wp/v2/users/${victim.id}`, {
        auth: basic('apowner', await passwordFor(owner.id)),
        body: { password: 'taken-over-1234', name: 'Renamed too' },
      }),
    );
    // Nothing changed: the old passwords still sign in, the refused name change did not land.
    for (const login of ['apowner', 'apvictim']) {
      const response = await new BrowserClient(server.url).signIn(login, testPassword(login));
      expect(response.status, login).toBe(302);
    }
    expect((await findUserById(server.latchkey.store.db, victim.id))!.displayName).not.toBe(
      'Renamed too',
    );
  });

  it('cannot move the email address; everything else the role allows still works', async () => {
    const owner = await server.createUser('apmail', 'editor');
    const auth = basic('apmail', await passwordFor(owner.id));
    refused(
      await api(server, 'POST', '/wp/v2/users/me', {
        auth,
        body: { email: 'attacker@example.net' },
      }),
    );
    expect((await findUserById(server.latchkey.store.db, owner.id))!.email).toBe(owner.email);
    // The same address (any letter case) is no change, and the rest of the profile is editable.
    const edited = await api(server, 'POST', '/wp/v2/users/me', {
      auth,
      body: { email: owner.email.toUpperCase(), name: 'Edited by an app' },
    });
    expect(edited.status).toBe(200);
    expect(edited.json.name).toBe('Edited by an app');
    // Managing application passwords stays possible (SPEC §3.2).
    const created = await api(server, 'POST', '/wp/v2/users/me/application-passwords', {
      auth,
      body: { name: 'made by an app' },
    });
    expect(created.status).toBe(201);
  });

  it('cannot reach any second-factor route', async () => {
    const owner = await server.createUser('ap2fa', 'administrator');
    const other = await server.createUser('ap2fa-other', 'author');
    const auth = basic('ap2fa', await passwordFor(owner.id));
    const base = '/latchkey/v1/users/me/two-factor';
    const calls: Array<[string, string, unknown?]> = [
      ['GET', base],
      ['POST', `${base}/totp`],
      ['PUT', `${base}/totp`, { code: '123456' }],
      ['DELETE', `${base}/totp`],
      ['POST', `${base}/email`],
      ['PUT', `${base}/email`, { code: '12345678' }],
      ['DELETE', `${base}/email`],
      ['POST', `${base}/backup-codes`],
      ['DELETE', `${base}/backup-codes`],
      ['POST', `${base}/webauthn/options`],
      ['PUT', `${base}/primary`, { provider: 'totp' }],
      ['DELETE', `/latchkey/v1/users/${other.id}/two-factor`],
    ];
    for (const [method, path, body] of calls) {
      const response = await api(server, method, path, { auth, body });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.json.code, `${method} ${path}`).toBe('latchkey_interactive_only');
    }
  });
});
