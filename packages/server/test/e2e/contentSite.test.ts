import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { signedIn, userWithRole, type RestCaller } from './contentClient.js';

describe.each(STORES)('the public site renders published content, SPEC §1, §9 ($name)', (store) => {
  let server: TestServer;
  let admin: RestCaller;
  let author: Awaited<ReturnType<typeof userWithRole>>;
  beforeAll(async () => {
    server = await startTestServer({ store });
    admin = await signedIn(server, 'admin', ADMIN_PASSWORD);
    author = await userWithRole(server, 'annie', 'author');
  });
  afterAll(() => server?.close());

  const page = async (path: string) => {
    const response = await fetch(`${server.url}${path}`, { redirect: 'manual' });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  it('lists recent published posts on / and keeps the discovery tags and Link header', async () => {
    const empty = await page('/');
    expect(empty.text).toContain('No posts yet.');
    const post = await author.call('POST', '/wp/v2/posts', {
      title: 'Hello <em>world</em>',
      content: 'First paragraph of the post.\n\nSecond one.',
      status: 'publish',
    });
    await author.call('POST', '/wp/v2/posts', { title: 'Unfinished draft', content: 'secret' });
    const home = await page('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('link')).toBe(`<${server.url}/wp-json/>; rel="https://api.w.org/"`);
    expect(home.text).toContain(`<link rel="https://api.w.org/" href="${server.url}/wp-json/">`);
    expect(home.text).toContain(
      `<link rel="EditURI" type="application/rsd+xml" title="RSD" href="${server.url}/xmlrpc.php?rsd">`,
    );
    expect(home.text).toContain(`<a href="${server.url}/hello-world/">Hello <em>world</em></a>`);
    expect(home.text).toContain('<p>First paragraph of the post. Second one.</p>');
    expect(home.text).toMatch(
      /<time datetime="\d{4}-\d\d-\d\dT[^"]+">[A-Z][a-z]+ \d{1,2}, \d{4}<\/time>/,
    );
    expect(home.text).not.toContain('Unfinished draft');
    expect(home.text).not.toContain('No posts yet.');
    const headOnly = await fetch(`${server.url}/`, { method: 'HEAD' });
    expect(headOnly.headers.get('link')).toBe(`<${server.url}/wp-json/>; rel="https://api.w.org/"`);

    const single = await page('/hello-world/');
    expect(single.status).toBe(200);
    expect(single.text).toContain('<h1>Hello <em>world</em></h1>');
    expect(single.text).toContain('<p>First paragraph of the post.</p>\n<p>Second one.</p>');
    expect(single.text).toContain('<title>Hello world · ');
    expect(single.text).toContain(`<link rel="canonical" href="${server.url}/hello-world/">`);
    expect(single.headers.get('content-security-policy')).toContain("script-src 'self'");
    const byId = await page(`/?p=${post.json.id}`);
    expect(byId.status).toBe(200);
    expect(byId.text).toContain('<h1>Hello <em>world</em></h1>');
  });

  it('drafts, pending, private and trashed posts are not public', async () => {
    const draft = await author.call('POST', '/wp/v2/posts', {
      title: 'Hidden',
      slug: 'hidden',
      content: 'secret',
    });
    const privately = await author.call('POST', '/wp/v2/posts', {
      title: 'Private',
      status: 'private',
      content: 'secret',
    });
    const trashed = await author.call('POST', '/wp/v2/posts', {
      title: 'Trashed',
      status: 'publish',
    });
    await author.call('DELETE', `/wp/v2/posts/${trashed.json.id}`);
    for (const path of [
      '/hidden/',
      `/?p=${draft.json.id}`,
      `/${privately.json.slug}/`,
      `/?p=${privately.json.id}`,
      '/trashed/',
      `/?p=${trashed.json.id}`,
      '/?p=999999',
      '/?p=abc',
      '/no-such-post/',
    ]) {
      const response = await page(path);
      expect(response.status, path).toBe(404);
      expect(response.text, path).not.toContain('secret');
    }
  });

  it('renders pages by slug and ?page_id=', async () => {
    const about = await admin.call('POST', '/wp/v2/pages', {
      title: 'About us',
      content: 'We make keys.',
      status: 'publish',
    });
    const bySlug = await page('/about-us/');
    expect(bySlug.status).toBe(200);
    expect(bySlug.text).toContain('<p>We make keys.</p>');
    expect((await page(`/?page_id=${about.json.id}`)).status).toBe(200);
    // A page id is not a post id.
    expect((await page(`/?p=${about.json.id}`)).status).toBe(404);
  });

  it('outputs sanitised author HTML and escapes what must be text', async () => {
    await author.call('POST', '/wp/v2/posts', {
      title: '<script>alert(1)</script>Safe & sound',
      content: '<p>ok</p><img src=x onerror="alert(1)"><a href="javascript:alert(1)">x</a>',
      status: 'publish',
    });
    const single = await page('/safe-sound/');
    expect(single.status).toBe(200);
    expect(single.text).not.toMatch(/<script>alert|onerror|javascript:/);
    expect(single.text).toContain('<title>Safe &amp; sound · ');
  });

  it('password-protected posts keep their content off the public pages', async () => {
    await author.call('POST', '/wp/v2/posts', {
      title: 'Members',
      content: 'members-only text',
      password: 'pw',
      status: 'publish',
    });
    const single = await page('/members/');
    expect(single.status).toBe(200);
    expect(single.text).toContain('This content is password protected.');
    expect(single.text).not.toContain('members-only text');
    expect((await page('/')).text).not.toContain('members-only text');
  });

  it('redirects ?attachment_id= to the file', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAIAAAADCAYAAAC56t6BAAAAEklEQVR4nGP8z8DwnwEJMKFzAC0kAwN0K0NjAAAAAElFTkSuQmCC',
      'base64',
    );
    const media = await author.call('POST', '/wp/v2/media', undefined, {
      body: new Uint8Array(png),
      headers: { 'content-type': 'image/png', 'content-disposition': 'attachment; filename=a.png' },
    });
    const redirect = await page(`/?attachment_id=${media.json.id}`);
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe(media.json.source_url);
    expect((await page('/?attachment_id=424242')).status).toBe(404);
  });
});
