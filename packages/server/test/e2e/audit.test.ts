import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

describe.each(STORES)('GET latchkey/v1/audit, SPEC §6.4, §10 ($name)', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  it('lists one’s own events newest first; administrators see everyone’s; others may not', async () => {
    const user = await server.createUser('audited', 'author');
    await new BrowserClient(server.url).signIn('audited', 'wrong-password');
    await new BrowserClient(server.url).signIn('audited', 'detidua-Pass-1234');
    await new BrowserClient(server.url).signIn('admin', ADMIN_PASSWORD);
    const own = basic('audited', (await makeApplicationPassword(server, user.id)).password);
    const mine = await api(server, 'GET', '/latchkey/v1/audit?per_page=5', { auth: own });
    expect(mine.status).toBe(200);
    expect(mine.json.map((e: { event: string }) => e.event)).toEqual([
      'login.success',
      'login.failure',
    ]);
    expect(Object.keys(mine.json[0])).toEqual([
      'id',
      'time',
      'event',
      'user_id',
      'ip',
      'user_agent',
      'credential',
      'details',
    ]);
    expect(mine.json.every((e: { user_id: number }) => e.user_id === user.id)).toBe(true);
    expect(mine.headers.get('x-wp-total')).toBe('2');
    expect((await api(server, 'GET', '/latchkey/v1/audit?user=1', { auth: own })).status).toBe(403);

    const admin = basic('admin', (await makeApplicationPassword(server, 1)).password);
    const all = await api(server, 'GET', '/latchkey/v1/audit?per_page=100', { auth: admin });
    expect(new Set(all.json.map((e: { user_id: number }) => e.user_id))).toEqual(
      new Set([1, user.id]),
    );
    const filtered = await api(server, 'GET', `/latchkey/v1/audit?user=${user.id}`, {
      auth: admin,
    });
    expect(filtered.json).toHaveLength(2);
    expect((await api(server, 'GET', '/latchkey/v1/audit')).status).toBe(401);
  });
});
