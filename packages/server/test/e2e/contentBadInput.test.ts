import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserClient } from '../helpers/browserClient.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { anonymous, signedIn, type RestCaller } from './contentClient.js';

const HUGE = '99999999999999999999';

describe.each(STORES)('bad input on the content API never gets a 5xx, SPEC §9 ($name)', (store) => {
  let server: TestServer;
  let admin: RestCaller;
  beforeAll(async () => {
    server = await startTestServer({ store, config: { bodyLimitBytes: '8192' } });
    admin = await signedIn(server, 'admin', ADMIN_PASSWORD);
    await admin.call('POST', '/wp/v2/posts', { title: 'Existing', status: 'publish' });
  });
  afterAll(() => server?.close());

  const expect4xx = (status: number, what: string) => {
    expect(status, what).toBeGreaterThanOrEqual(400);
    expect(status, what).toBeLessThan(500);
  };
  const expectNo5xx = (status: number, what: string) => expect(status, what).toBeLessThan(500);

  it('odd query strings', async () => {
    const queries = [
      `page=${HUGE}`,
      'page=0',
      'page=-1',
      'per_page=abc',
      `offset=${HUGE}`,
      `include=${HUGE}`,
      `include[]=${HUGE}&orderby=include`,
      `author=${HUGE}`,
      'author=abc',
      `categories=${HUGE}`,
      `tags[]=x`,
      `parent=${HUGE}`,
      `post=${HUGE}`,
      'search=%00',
      'search=%25_%5C',
      'slug=%00a',
      'status[]=publish&status[]=bogus',
      'status=any',
      'orderby=nope',
      'order=sideways',
      'before=yesterday',
      'after=2026-13-45T00:00:00',
      'context=everything',
      '_fields=id,nope.deep',
      'sticky=maybe',
      'hide_empty=perhaps',
      'media_type=exe',
      'mime_type=%00',
      'menu_order=99999999999',
    ];
    for (const base of ['posts', 'pages', 'categories', 'tags', 'media']) {
      for (const q of queries) {
        for (const caller of [anonymous(server), admin]) {
          const response = await caller.call('GET', `/wp/v2/${base}?${q}`);
          expectNo5xx(response.status, `${base}?${q}`);
        }
      }
    }
  });

  it('odd ids', async () => {
    for (const base of ['posts', 'pages', 'categories', 'tags', 'media']) {
      for (const id of ['0', HUGE, '2147483648', '00001']) {
        for (const method of ['GET', 'POST', 'DELETE']) {
          const response = await admin.call(
            method,
            `/wp/v2/${base}/${id}?force=true`,
            method === 'POST' ? {} : undefined,
          );
          expectNo5xx(response.status, `${method} ${base}/${id}`);
        }
      }
    }
  });

  it('odd JSON bodies on create and update', async () => {
    const bodies: unknown[] = [
      { title: ['a'] },
      { title: { raw: 5 } },
      { title: { rendered: 'x' } },
      { title: 'x\u0000y', content: 'a\u0000b', slug: 'a\u0000' },
      { content: { raw: { nested: true } } },
      { status: ['publish'] },
      { date: 12345 },
      { date: '2026-02-30T10:00:00' },
      { date_gmt: null, date: null },
      { author: HUGE },
      { author: -5 },
      { parent: HUGE },
      { menu_order: HUGE },
      { featured_media: HUGE },
      { categories: [HUGE, 'x'] },
      { categories: 'not-a-list' },
      { tags: [{}] },
      { sticky: 'yes' },
      { password: 'x'.repeat(300) },
      { slug: 'ü'.repeat(400) },
      { title: '中'.repeat(3000) },
      { meta: 'string' },
      { template: 'evil.php' },
      { format: 'weird' },
      { comment_status: 'maybe' },
      { name: 'x'.repeat(300) },
      { name: '\u0000' },
      { name: ['array'] },
      { description: { raw: 'x' } },
      { alt_text: ['x'] },
      { post: HUGE },
      { post: 'abc' },
    ];
    const posts = await admin.call('POST', '/wp/v2/posts', { title: 'Target' });
    const tag = await admin.call('POST', '/wp/v2/tags', { name: 'Target tag' });
    const targets = [
      '/wp/v2/posts',
      `/wp/v2/posts/${posts.json.id}`,
      '/wp/v2/pages',
      '/wp/v2/categories',
      '/wp/v2/categories/1',
      '/wp/v2/tags',
      `/wp/v2/tags/${tag.json.id}`,
      '/wp/v2/media',
    ];
    for (const path of targets) {
      for (const body of bodies) {
        const response = await admin.call('POST', path, body);
        expectNo5xx(response.status, `${path} ${JSON.stringify(body).slice(0, 60)}`);
      }
    }
  });

  it('malformed and unexpected bodies', async () => {
    const browser = new BrowserClient(server.url);
    await browser.signIn('admin', ADMIN_PASSWORD);
    const nonce = await browser.restNonce();
    const cases: Array<[string, BodyInit, Record<string, string>]> = [
      ['/wp/v2/posts', '{"title":', { 'content-type': 'application/json' }],
      [
        '/wp/v2/posts',
        'title[]=a&title[]=b&status=bogus&status=draft',
        { 'content-type': 'application/x-www-form-urlencoded' },
      ],
      ['/wp/v2/posts', '<xml/>', { 'content-type': 'application/xml' }],
      ['/wp/v2/posts', 'raw bytes', { 'content-type': 'application/octet-stream' }],
      [
        '/wp/v2/media',
        'x'.repeat(9000),
        { 'content-type': 'image/png', 'content-disposition': 'attachment; filename=a.png' },
      ],
      ['/wp/v2/media', '--x\r\nbroken', { 'content-type': 'multipart/form-data; boundary=x' }],
      ['/wp/v2/media', 'data', { 'content-type': 'multipart/form-data' }],
      [
        '/wp/v2/media',
        'data',
        {
          'content-type': 'image/png',
          'content-disposition': 'attachment; filename="../../../../etc/passwd.png"',
        },
      ],
      [
        '/wp/v2/media',
        'data',
        {
          'content-type': 'image/png',
          'content-disposition': "attachment; filename*=UTF-8''%E0%A4%A",
        },
      ],
      [
        '/wp/v2/media',
        '{"a":1}',
        { 'content-type': 'application/json', 'content-disposition': 'attachment; filename=a.txt' },
      ],
      [
        '/wp/v2/media',
        'x',
        { 'content-type': 'text/html', 'content-disposition': 'attachment; filename=' },
      ],
    ];
    for (const [path, body, headers] of cases) {
      const response = await browser.request(`/wp-json${path}`, {
        method: 'POST',
        body,
        headers: { 'x-wp-nonce': nonce, ...headers },
      });
      expect4xx(response.status, `${path} ${String(body).slice(0, 40)}`);
      expect(response.text_).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });

  it('upload bodies stay REST-only: pages refuse them as before', async () => {
    const form = new FormData();
    form.set('log', 'admin');
    form.set('pwd', ADMIN_PASSWORD);
    const multipart = await fetch(`${server.url}/login`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    expect(multipart.status).toBe(415);
    const image = await fetch(`${server.url}/login`, {
      method: 'POST',
      body: 'x',
      headers: { 'content-type': 'image/png' },
      redirect: 'manual',
    });
    expect(image.status).toBe(415);
  });

  it('odd public paths', async () => {
    for (const path of [
      '/%00/',
      '/%ff/',
      `/${'a'.repeat(5000)}/`,
      '/?p=' + HUGE,
      '/?page_id=-1',
      '/?attachment_id=' + HUGE,
      '/?p[]=1',
      '/wp-content/uploads/2026/11/%00.png',
      '/wp-content/uploads/2026/11/' + 'a'.repeat(3000) + '.png',
    ]) {
      const response = await fetch(`${server.url}${path}`, { redirect: 'manual' });
      expectNo5xx(response.status, path);
    }
  });
});
