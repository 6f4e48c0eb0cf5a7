import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByLoginOrEmail } from '../../src/accounts/index.js';
import { parseMethodResponse } from '../../src/xmlrpc/parse.js';
import { makeApplicationPassword } from '../helpers/appPasswords.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

/**
 * Open Live Writer's conversation with a WordPress blog, end to end, with the requests as it
 * writes them (UTF-8 declaration, typed strings, indented XML, its fixed Blogger app key):
 * discovery from the home page, account set-up, the categories, tags and recent posts it loads,
 * publishing, reading the published page, and deleting.
 */

const APP_KEY = '0123456789ABCDEF';
const OLW_HEADERS = {
  'content-type': 'text/xml',
  'user-agent': 'Open Live Writer 0.6.2 (Windows NT 10.0.19045.0)',
  accept: '*/*',
};

const str = (s: string) => `<value><string>${s}</string></value>`;

function olwCall(method: string, params: string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<methodCall>
  <methodName>${method}</methodName>
  <params>
${params.map((p) => `    <param>\n      ${p}\n    </param>`).join('\n')}
  </params>
</methodCall>`;
}

describe.each(STORES)('Open Live Writer against Latchkey, SPEC §8 ($name)', (store) => {
  let server: TestServer;
  let password: string;

  beforeAll(async () => {
    server = await startTestServer({ store });
    const admin = (await findUserByLoginOrEmail(server.latchkey.store.db, 'admin'))!;
    // The user pastes the password as shown, spaces and all.
    password = (await makeApplicationPassword(server, admin.id, 'Open Live Writer')).chunked;
  });
  afterAll(() => server?.close());

  async function call(endpoint: string, method: string, params: string[]) {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: OLW_HEADERS,
      body: olwCall(method, params),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml; charset=UTF-8');
    const parsed = parseMethodResponse(await response.text());
    if ('fault' in parsed)
      throw new Error(`${method}: ${parsed.fault.faultCode} ${parsed.fault.faultString}`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert the shape
    return parsed.value as any;
  }

  it('discovers, sets up the account, publishes, reads the page and deletes', async () => {
    // Discovery: the EditURI link on the home page, then the RSD document.
    const home = await (await fetch(`${server.url}/`)).text();
    const rsdUrl =
      /<link rel="EditURI" type="application\/rsd\+xml" title="RSD" href="([^"]+)"/.exec(home)?.[1];
    expect(rsdUrl).toBe(`${server.url}/xmlrpc.php?rsd`);
    const rsd = await fetch(rsdUrl!);
    expect(rsd.headers.get('content-type')).toBe('text/xml; charset=UTF-8');
    const endpoint = /<api name="WordPress" blogID="1" preferred="true" apiLink="([^"]+)"/.exec(
      await rsd.text(),
    )?.[1];
    expect(endpoint).toBe(`${server.url}/xmlrpc.php`);

    // Account set-up.
    const blogs = await call(endpoint!, 'blogger.getUsersBlogs', [
      str(APP_KEY),
      str('admin'),
      str(password),
    ]);
    expect(blogs).toEqual([
      {
        isAdmin: true,
        url: `${server.url}/`,
        blogid: '1',
        blogName: 'Latchkey',
        xmlrpc: `${server.url}/xmlrpc.php`,
      },
    ]);
    const blogId = blogs[0].blogid as string;
    const wpBlogs = await call(endpoint!, 'wp.getUsersBlogs', [str('admin'), str(password)]);
    expect(wpBlogs[0].blogid).toBe(blogId);

    const categories = await call(endpoint!, 'wp.getCategories', [
      str(blogId),
      str('admin'),
      str(password),
    ]);
    expect(categories).toContainEqual({
      categoryId: 1,
      parentId: 0,
      description: 'Uncategorized',
      categoryDescription: '',
      categoryName: 'Uncategorized',
      htmlUrl: `${server.url}/category/uncategorized/`,
      rssUrl: `${server.url}/category/uncategorized/feed/`,
    });
    const tags = await call(endpoint!, 'wp.getTags', [str(blogId), str('admin'), str(password)]);
    expect(Array.isArray(tags)).toBe(true);
    const recent = await call(endpoint!, 'metaWeblog.getRecentPosts', [
      str(blogId),
      str('admin'),
      str(password),
      '<value><i4>20</i4></value>',
    ]);
    expect(recent).toEqual([]);

    // Publish.
    const struct = `<value>
        <struct>
          <member><name>title</name>${str('Written in Open Live Writer')}</member>
          <member><name>description</name>${str('&lt;p&gt;Hello from the desktop &amp;amp; friends.&lt;/p&gt;')}</member>
          <member><name>categories</name><value><array><data>${str('Uncategorized')}</data></array></value></member>
          <member><name>mt_allow_comments</name><value><i4>1</i4></value></member>
          <member><name>mt_allow_pings</name><value><i4>0</i4></value></member>
          <member><name>mt_excerpt</name>${str('')}</member>
          <member><name>mt_text_more</name>${str('')}</member>
          <member><name>mt_keywords</name>${str('desktop, olw')}</member>
          <member><name>wp_slug</name>${str('')}</member>
          <member><name>wp_password</name>${str('')}</member>
        </struct>
      </value>`;
    const postId = await call(endpoint!, 'metaWeblog.newPost', [
      str(blogId),
      str('admin'),
      str(password),
      struct,
      '<value><boolean>1</boolean></value>',
    ]);
    expect(postId).toMatch(/^\d+$/);

    // OLW reads the post back for its permalink, then the user opens it.
    const post = await call(endpoint!, 'metaWeblog.getPost', [
      str(postId),
      str('admin'),
      str(password),
    ]);
    expect(post).toMatchObject({
      title: 'Written in Open Live Writer',
      post_status: 'publish',
      mt_allow_pings: 0,
      mt_keywords: 'desktop,olw',
    });
    expect(post.permaLink).toBe(`${server.url}/written-in-open-live-writer/`);
    const page = await fetch(post.permaLink);
    expect(page.status).toBe(200);
    const pageHtml = await page.text();
    expect(pageHtml).toContain('Written in Open Live Writer');
    expect(pageHtml).toContain('Hello from the desktop &amp; friends.');
    const listed = await call(endpoint!, 'metaWeblog.getRecentPosts', [
      str(blogId),
      str('admin'),
      str(password),
      '<value><i4>20</i4></value>',
    ]);
    expect(listed.map((p: { postid: string }) => p.postid)).toEqual([postId]);

    // Delete (Blogger API, with the app key first).
    const deleted = await call(endpoint!, 'blogger.deletePost', [
      str(APP_KEY),
      str(postId),
      str('admin'),
      str(password),
      '<value><boolean>1</boolean></value>',
    ]);
    expect(deleted).toBe(true);
    expect((await fetch(post.permaLink)).status).toBe(404);
  });
});
