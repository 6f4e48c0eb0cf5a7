import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplicationPassword } from '../../src/app-passwords/index.js';
import { api, basic } from '../helpers/appPasswords.js';
import { loadGolden } from '../helpers/golden.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { anonymous, signedIn, userWithRole, type Json } from './contentClient.js';

/** Keys of an object and, recursively, of its object members, in order. */
function shape(value: Json): Json {
  if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  return typeof value;
}

const REST_HEADERS = [
  'x-content-type-options',
  'access-control-expose-headers',
  'access-control-allow-headers',
  'allow',
];

function expectGoldenHeaders(headers: Headers, golden: ReturnType<typeof loadGolden>, url: string) {
  for (const name of REST_HEADERS) {
    const expected = golden.response.headers[name];
    if (expected !== undefined) expect(headers.get(name), name).toBe(expected);
  }
  expect(headers.get('link')).toBe(`<${url}/wp-json/>; rel="https://api.w.org/"`);
  expect(headers.get('content-type')).toBe('application/json; charset=UTF-8');
}

describe.each(STORES)('content REST against the WordPress captures, SPEC §9 ($name)', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  it('golden 18: an administrator creates a published post: 201, Location, edit context shape', async () => {
    const golden = loadGolden('18');
    const admin = await signedIn(server, 'admin', ADMIN_PASSWORD);
    const created = await admin.call('POST', '/wp/v2/posts', JSON.parse(golden.request.body));
    expect(created.status).toBe(201);
    const expected = golden.response.json as Json;
    expect(shape(created.json)).toEqual(shape(expected));
    expect(Object.keys(created.json._links)).toEqual(Object.keys(expected._links));
    const id = created.json.id;
    expect(created.headers.get('location')).toBe(`${server.url}/wp-json/wp/v2/posts/${id}`);
    expectGoldenHeaders(created.headers, golden, server.url);
    const site = (s: string) => s.replace('http://127.0.0.1:8081', server.url);
    expect(created.json).toMatchObject({
      slug: expected.slug,
      status: 'publish',
      type: 'post',
      link: site(expected.link),
      guid: { rendered: site(expected.guid.rendered), raw: site(expected.guid.raw) },
      title: expected.title,
      content: expected.content,
      excerpt: expected.excerpt,
      author: 1,
      featured_media: 0,
      comment_status: 'open',
      ping_status: 'open',
      sticky: false,
      template: '',
      format: 'standard',
      meta: [],
      categories: [1],
      tags: [],
      permalink_template: site(expected.permalink_template),
      generated_slug: expected.generated_slug,
      password: '',
    });
    expect(created.json.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(created.json.date_gmt).toBe(created.json.date);
    const self = `${server.url}/wp-json/wp/v2/posts/${id}`;
    expect(created.json._links.self).toEqual([{ href: self }]);
    expect(created.json._links['wp:term']).toEqual([
      {
        taxonomy: 'category',
        embeddable: true,
        href: `${server.url}/wp-json/wp/v2/categories?post=${id}`,
      },
      {
        taxonomy: 'post_tag',
        embeddable: true,
        href: `${server.url}/wp-json/wp/v2/tags?post=${id}`,
      },
    ]);
    expect(created.json._links.curies).toEqual(expected._links.curies);
  });

  it('golden 19: an author creates a post with a form-encoded body', async () => {
    const golden = loadGolden('19');
    const author = await userWithRole(server, 'author', 'author');
    const created = await author.form(
      'POST',
      '/wp/v2/posts',
      Object.fromEntries(new URLSearchParams(golden.request.body)),
    );
    expect(created.status).toBe(201);
    const expected = golden.response.json as Json;
    expect(shape(created.json)).toEqual(shape(expected));
    // The author's actions differ from the administrator's exactly as in WordPress.
    expect(Object.keys(created.json._links)).toEqual(Object.keys(expected._links));
    expect(created.json).toMatchObject({
      slug: 'author-post',
      status: 'publish',
      author: author.id,
      title: { raw: 'Author post', rendered: 'Author post' },
      content: { raw: '', rendered: '', protected: false, block_version: 0 },
      excerpt: { raw: '', rendered: '', protected: false },
      categories: [1],
    });
    expectGoldenHeaders(created.headers, golden, server.url);
  });

  it('golden 20: a subscriber may not create posts (403 rest_cannot_create, Allow: GET)', async () => {
    const golden = loadGolden('20');
    const subscriber = await userWithRole(server, 'subscriber', 'subscriber');
    const refused = await subscriber.call('POST', '/wp/v2/posts', JSON.parse(golden.request.body));
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual(golden.response.json);
    expectGoldenHeaders(refused.headers, golden, server.url);
  });

  it('golden 21: without credentials, 401 rest_cannot_create', async () => {
    const golden = loadGolden('21');
    const refused = await anonymous(server).call(
      'POST',
      '/wp/v2/posts',
      JSON.parse(golden.request.body),
    );
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual(golden.response.json);
    expectGoldenHeaders(refused.headers, golden, server.url);
  });
});

describe.each(STORES)('golden 16: the public posts list, SPEC §9 ($name)', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  it('GET posts?_fields=id,title&per_page=2 has WordPress shape and pagination headers', async () => {
    const golden = loadGolden('16');
    const admin = await signedIn(server, 'admin', ADMIN_PASSWORD);
    const hello = await admin.call('POST', '/wp/v2/posts', {
      title: 'Hello world!',
      content: 'Welcome to WordPress.',
      status: 'publish',
    });
    await admin.call('POST', '/wp/v2/posts', { title: 'A draft', status: 'draft' });
    const list = await anonymous(server).call('GET', golden.request.path.replace('/wp-json', ''));
    expect(list.status).toBe(200);
    expect(list.json).toEqual([{ id: hello.json.id, title: { rendered: 'Hello world!' } }]);
    expect(list.headers.get('x-wp-total')).toBe(golden.response.headers['x-wp-total']);
    expect(list.headers.get('x-wp-totalpages')).toBe(golden.response.headers['x-wp-totalpages']);
    expectGoldenHeaders(list.headers, golden, server.url);
  });
});

describe.each(STORES)('content over application passwords, SPEC §5, §9 ($name)', (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  const password = async (
    userId: number,
    extra: { scope?: 'full' | 'content'; roleCeiling?: string } = {},
  ) =>
    (
      await createApplicationPassword(
        server.latchkey.store.db,
        { userId, name: `p${Math.random()}`, ...extra },
        server.clock.now,
      )
    ).chunked;

  it('golden 18 over HTTP Basic: the same 201 and shape as WordPress', async () => {
    const golden = loadGolden('18');
    const auth = basic('admin', await password(1));
    const created = await api(server, 'POST', '/wp/v2/posts', {
      auth,
      body: JSON.parse(golden.request.body),
    });
    expect(created.status).toBe(201);
    expect(shape(created.json)).toEqual(shape(golden.response.json));
    expect(created.headers.get('allow')).toBe('GET, POST');
  });

  it('a content-scoped password works the content API; a role ceiling lowers what it may do', async () => {
    const content = basic('admin', await password(1, { scope: 'content' }));
    const post = await api(server, 'POST', '/wp/v2/posts', {
      auth: content,
      body: { title: 'Scoped', status: 'publish' },
    });
    expect(post.status).toBe(201);
    const tag = await api(server, 'POST', '/wp/v2/tags', { auth: content, body: { name: 'ok' } });
    expect(tag.status).toBe(201);

    const lowered = basic(
      'admin',
      await password(1, { scope: 'content', roleCeiling: 'contributor' }),
    );
    const publish = await api(server, 'POST', '/wp/v2/posts', {
      auth: lowered,
      body: { title: 'As a contributor', status: 'publish' },
    });
    expect(publish.status).toBe(403);
    expect(publish.json.code).toBe('rest_cannot_publish');
    const draft = await api(server, 'POST', '/wp/v2/posts', {
      auth: lowered,
      body: { title: 'Draft is fine' },
    });
    expect(draft.status).toBe(201);
    // The administrator's own published post is out of a contributor's reach.
    const edit = await api(server, 'POST', `/wp/v2/posts/${post.json.id}`, {
      auth: lowered,
      body: { title: 'Changed' },
    });
    expect(edit.status).toBe(403);
    expect(edit.json.code).toBe('rest_cannot_edit');
    const upload = await api(server, 'POST', '/wp/v2/media', {
      auth: lowered,
      headers: {
        'content-type': 'text/plain',
        'content-disposition': 'attachment; filename=a.txt',
      },
    });
    expect(upload.status).toBe(403);
    const unfiltered = await api(server, 'POST', '/wp/v2/posts', {
      auth: lowered,
      body: { title: 'x', content: '<script>alert(1)</script><p>kept</p>' },
    });
    expect(unfiltered.json.content.raw).toBe('<p>kept</p>');
  });
});
