import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApplicationPassword } from '../helpers/appPasswords.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

// wpapi is CommonJS and ships no types; this test uses it exactly as a third-party app would.
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped CommonJS client
const WPAPI: any = require('wpapi');

const SUITE = 'a real WordPress client: the wpapi npm package, SPEC §1, §3.2, §9 ($name)';

describe.each(STORES)(SUITE, (store) => {
  let server: TestServer;
  let password: string;
  beforeAll(async () => {
    server = await startTestServer({ store });
    const author = await server.createUser('wpapi-author', 'author');
    password = (await makeApplicationPassword(server, author.id, 'wpapi')).chunked;
  });
  afterAll(() => server?.close());

  it('discovers the API from the home page, then creates and reads a post with an application password', async () => {
    const site = await WPAPI.discover(`${server.url}/`);
    expect(site).toBeTruthy();
    const api = site.auth({ username: 'wpapi-author', password });
    const me = await api.users().me();
    expect(me.slug).toBe('wpapi-author');
    const created = await api.posts().create({
      title: 'Hello from wpapi',
      content: 'Posted by a real client.',
      status: 'publish',
    });
    expect(created.id).toBeGreaterThan(0);
    expect(created.title.raw).toBe('Hello from wpapi');
    const read = await site.posts().id(created.id).get();
    expect(read.title.rendered).toBe('Hello from wpapi');
    expect(read.content.rendered).toContain('Posted by a real client.');
    const page = await fetch(read.link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Hello from wpapi');
  });

  it('surfaces the 401 incorrect_password of a revoked or wrong password as an error', async () => {
    const site = await WPAPI.discover(`${server.url}/`);
    await expect(
      site
        .auth({ username: 'wpapi-author', password: 'AAAA BBBB CCCC DDDD EEEE FFFF' })
        .users()
        .me(),
    ).rejects.toMatchObject({ code: 'incorrect_password' });
  });
});
