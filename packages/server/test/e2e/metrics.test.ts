/**
 * /metrics tells (issue 16): every way a credential comes is counted by outcome, mail failures,
 * credential-cache invalidations and the age of the last last-used flush (on the server's
 * clock, no sleeping). REST latency by route and second-factor outcomes: operations.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { addTestService, traefik, verify } from '../helpers/forwardAuth.js';
import { restAs } from '../helpers/restSession.js';
import { ADMIN_PASSWORD, freePort, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { rpc } from '../helpers/xmlrpc.js';

describe('metrics that tell, issue 16', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Nothing listens on this port: every mail fails.
    const deadSmtp = `smtp://127.0.0.1:${await freePort()}`;
    server = await startTestServer({
      store: STORES[0]!,
      config: { metricsToken: 'scrape', smtpUrl: deadSmtp },
    });
  });
  afterAll(() => server?.close());

  const scrape = async () => {
    const text = await (
      await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer scrape' } })
    ).text();
    return (series: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${series} `))
          ?.split(' ')[1] ?? 'NaN',
      );
  };

  it('counts sessions, XML-RPC and forward authentication by outcome', async () => {
    const admin = await restAs(server, 'admin', ADMIN_PASSWORD);
    expect((await admin.call('GET', '/wp/v2/users/me')).status).toBe(200);
    const wrongXmlRpc = await rpc(
      server,
      'wp.getUsersBlogs',
      'admin',
      'abcd efgh ijkl mnop qrst uvwx',
    );
    expect('fault' in wrongXmlRpc).toBe(true);
    await addTestService(server, {
      slug: 'metered',
      name: 'Metered',
      hosts: ['metered.localhost'],
    });
    const pw = await makeApplicationPassword(server, 1, 'forward');
    const admitted = await verify(server, {
      ...traefik('metered.localhost'),
      authorization: basic('admin', pw.password),
    });
    expect(admitted.status).toBe(200);
    const value = await scrape();
    expect(value('latchkey_auth_total{via="session",outcome="ok"}')).toBe(1);
    expect(value('latchkey_auth_total{via="xmlrpc",outcome="wrong"}')).toBe(1);
    expect(value('latchkey_auth_total{via="forward_auth",outcome="ok"}')).toBe(1);
  });

  it('counts a mail the SMTP server did not take', async () => {
    const admin = await restAs(server, 'admin', ADMIN_PASSWORD);
    const before = (await scrape())('latchkey_mail_failures_total');
    // Creating an application password mails its owner (SPEC §3.1).
    const created = await admin.call('POST', '/wp/v2/users/me/application-passwords', {
      name: 'mailed',
    });
    expect(created.status).toBe(201);
    await vi.waitFor(
      async () => expect((await scrape())('latchkey_mail_failures_total')).toBe(before + 1),
      { timeout: 20_000, interval: 50 },
    );
  });

  it('counts credential-cache invalidations', async () => {
    const admin = await restAs(server, 'admin', ADMIN_PASSWORD);
    const pw = await makeApplicationPassword(server, 1, 'to revoke');
    const before = (await scrape())('latchkey_credential_cache_total{event="invalidation"}');
    const revoked = await admin.call('DELETE', `/wp/v2/users/1/application-passwords/${pw.uuid}`);
    expect(revoked.status).toBe(200);
    expect(
      (await scrape())('latchkey_credential_cache_total{event="invalidation"}'),
    ).toBeGreaterThan(before);
  });

  it('tells how old the last last-used flush is, on the server clock', async () => {
    await server.latchkey.flush();
    expect((await scrape())('latchkey_last_used_flush_age_seconds')).toBe(0);
    server.clock.advance(120_000);
    expect((await scrape())('latchkey_last_used_flush_age_seconds')).toBe(120);
    await server.latchkey.flush();
    expect((await scrape())('latchkey_last_used_flush_age_seconds')).toBe(0);
  });
});
