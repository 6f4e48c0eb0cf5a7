import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { anonymous, signedIn, userWithRole, type RestCaller } from './contentClient.js';

describe.each(STORES)('REST wp/v2 categories and tags, SPEC §9 ($name)', (store) => {
  let server: TestServer;
  let admin: RestCaller;
  let editor: Awaited<ReturnType<typeof userWithRole>>;
  let author: Awaited<ReturnType<typeof userWithRole>>;
  let subscriber: Awaited<ReturnType<typeof userWithRole>>;
  beforeAll(async () => {
    server = await startTestServer({ store });
    admin = await signedIn(server, 'admin', ADMIN_PASSWORD);
    editor = await userWithRole(server, 'eddie', 'editor');
    author = await userWithRole(server, 'annie', 'author');
    subscriber = await userWithRole(server, 'sub', 'subscriber');
  });
  afterAll(() => server?.close());

  it('has the default category, in WordPress shape', async () => {
    const list = await anonymous(server).call('GET', '/wp/v2/categories');
    expect(list.status).toBe(200);
    expect(list.headers.get('x-wp-total')).toBe('1');
    expect(list.json).toEqual([
      {
        id: 1,
        count: 0,
        description: '',
        link: `${server.url}/category/uncategorized/`,
        name: 'Uncategorized',
        slug: 'uncategorized',
        taxonomy: 'category',
        parent: 0,
        meta: [],
        _links: {
          self: [{ href: `${server.url}/wp-json/wp/v2/categories/1` }],
          collection: [{ href: `${server.url}/wp-json/wp/v2/categories` }],
          about: [{ href: `${server.url}/wp-json/wp/v2/taxonomies/category` }],
          'wp:post_type': [{ href: `${server.url}/wp-json/wp/v2/posts?categories=1` }],
          curies: [{ name: 'wp', href: 'https://api.w.org/{rel}', templated: true }],
        },
      },
    ]);
    const embed = await anonymous(server).call('GET', '/wp/v2/categories/1?context=embed');
    expect(Object.keys(embed.json)).toEqual(['id', 'link', 'name', 'slug', 'taxonomy', '_links']);
  });

  it('creates, reads, updates and deletes a category; counts published posts', async () => {
    const created = await editor.call('POST', '/wp/v2/categories', {
      name: 'News & <b>Views</b>',
      description: 'Latest <script>x</script><em>news</em>',
    });
    expect(created.status).toBe(201);
    const id = created.json.id;
    expect(created.headers.get('location')).toBe(`${server.url}/wp-json/wp/v2/categories/${id}`);
    expect(created.json).toMatchObject({
      name: 'News & Views',
      slug: 'news-views',
      // Editors have unfiltered_html, as in WordPress.
      description: 'Latest <script>x</script><em>news</em>',
      parent: 0,
      count: 0,
    });
    const child = await editor.call('POST', '/wp/v2/categories', {
      name: 'Local',
      parent: id,
    });
    expect(child.json.parent).toBe(id);
    expect(child.json._links.up).toEqual([
      { embeddable: true, href: `${server.url}/wp-json/wp/v2/categories/${id}` },
    ]);
    await author.call('POST', '/wp/v2/posts', {
      title: 'In news',
      status: 'publish',
      categories: [id],
    });
    await author.call('POST', '/wp/v2/posts', { title: 'Draft in news', categories: [id] });
    const read = await anonymous(server).call('GET', `/wp/v2/categories/${id}`);
    expect(read.json.count).toBe(1);
    const byCount = await anonymous(server).call(
      'GET',
      '/wp/v2/categories?orderby=count&order=desc&hide_empty=true',
    );
    expect(byCount.json.map((t: { id: number }) => t.id)).toEqual([id]);
    const children = await anonymous(server).call('GET', `/wp/v2/categories?parent=${id}`);
    expect(children.json.map((t: { id: number }) => t.id)).toEqual([child.json.id]);

    const renamed = await editor.call('POST', `/wp/v2/categories/${id}`, {
      name: 'News',
      slug: 'news',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ name: 'News', slug: 'news' });
    const dupSlug = await editor.call('POST', `/wp/v2/categories/${child.json.id}`, {
      slug: 'news',
    });
    expect(dupSlug.status).toBe(400);
    expect(dupSlug.json.code).toBe('duplicate_term_slug');

    const noForce = await editor.call('DELETE', `/wp/v2/categories/${id}`);
    expect(noForce.status).toBe(501);
    expect(noForce.json).toEqual({
      code: 'rest_trash_not_supported',
      message: "Terms do not support trashing. Set 'force' to true to delete.",
      data: { status: 501 },
    });
    const deleted = await editor.call('DELETE', `/wp/v2/categories/${id}?force=true`);
    expect(deleted.status).toBe(200);
    expect(deleted.json).toMatchObject({ deleted: true, previous: { id, name: 'News' } });
    expect((await anonymous(server).call('GET', `/wp/v2/categories/${id}`)).json).toEqual({
      code: 'rest_term_invalid',
      message: 'Term does not exist.',
      data: { status: 404 },
    });
    // Its child moved up, its posts fell back to the default category.
    expect(
      (await anonymous(server).call('GET', `/wp/v2/categories/${child.json.id}`)).json.parent,
    ).toBe(0);
    const uncategorized = await anonymous(server).call('GET', '/wp/v2/categories/1');
    expect(uncategorized.json.count).toBeGreaterThanOrEqual(1);
  });

  it('refuses duplicate names with term_exists and the existing id', async () => {
    const first = await editor.call('POST', '/wp/v2/categories', { name: 'Sports' });
    const again = await editor.call('POST', '/wp/v2/categories', { name: 'sports' });
    expect(again.status).toBe(400);
    expect(again.json).toEqual({
      code: 'term_exists',
      message: 'A term with the name provided already exists with this parent.',
      data: { status: 400, term_id: first.json.id },
    });
    const elsewhere = await editor.call('POST', '/wp/v2/categories', {
      name: 'Sports',
      parent: 1,
    });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.json.slug).toBe('sports-2');
    const tag = await author.call('POST', '/wp/v2/tags', { name: 'Music' });
    const tagAgain = await author.call('POST', '/wp/v2/tags', { name: 'Music' });
    expect(tagAgain.json).toEqual({
      code: 'term_exists',
      message: 'A term with the name provided already exists in this taxonomy.',
      data: { status: 400, term_id: tag.json.id },
    });
    const missing = await author.call('POST', '/wp/v2/tags', {});
    expect(missing.json.code).toBe('rest_missing_callback_param');
    const blank = await author.call('POST', '/wp/v2/tags', { name: '   ' });
    expect(blank.status).toBe(400);
  });

  it('tags: authors create and assign, only editors edit and delete; tags have no parent', async () => {
    const tag = await author.call('POST', '/wp/v2/tags', {
      name: 'Jazz',
      description: '<em>Cool</em><script>alert(1)</script><img src=x onerror=alert(1)>',
    });
    expect(tag.status).toBe(201);
    expect(tag.json.description).toBe('<em>Cool</em>');
    expect(Object.keys(tag.json)).toEqual([
      'id',
      'count',
      'description',
      'link',
      'name',
      'slug',
      'taxonomy',
      'meta',
      '_links',
    ]);
    expect(tag.json.link).toBe(`${server.url}/tag/jazz/`);
    const edit = await author.call('POST', `/wp/v2/tags/${tag.json.id}`, { name: 'Blues' });
    expect(edit.status).toBe(403);
    expect(edit.json).toEqual({
      code: 'rest_cannot_update',
      message: 'Sorry, you are not allowed to edit this term.',
      data: { status: 403 },
    });
    const del = await author.call('DELETE', `/wp/v2/tags/${tag.json.id}?force=true`);
    expect(del.json.code).toBe('rest_cannot_delete');
    const parent = await editor.call('POST', '/wp/v2/tags', { name: 'Child', parent: tag.json.id });
    expect(parent.json.code).toBe('rest_taxonomy_not_hierarchical');
    const category = await author.call('POST', '/wp/v2/categories', { name: 'Nope' });
    expect(category.status).toBe(403);
    expect(category.json).toEqual({
      code: 'rest_cannot_create',
      message: 'Sorry, you are not allowed to create terms in this taxonomy.',
      data: { status: 403 },
    });
    const anon = await anonymous(server).call('POST', '/wp/v2/tags', { name: 'x' });
    expect(anon.status).toBe(401);
    const sub = await subscriber.call('POST', '/wp/v2/tags', { name: 'x' });
    expect(sub.status).toBe(403);
    const editContext = await anonymous(server).call('GET', '/wp/v2/tags?context=edit');
    expect(editContext.json.code).toBe('rest_forbidden_context');
    expect((await editor.call('DELETE', `/wp/v2/tags/${tag.json.id}?force=true`)).status).toBe(200);
  });

  it('the default category cannot be deleted, even by an administrator', async () => {
    const refused = await admin.call('DELETE', '/wp/v2/categories/1?force=true');
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe('rest_cannot_delete');
  });

  it('lists the terms of a post only to those who may read the post', async () => {
    const tag = await author.call('POST', '/wp/v2/tags', { name: 'Secret tag' });
    const draft = await author.call('POST', '/wp/v2/posts', {
      title: 'Draft',
      tags: [tag.json.id],
    });
    const mine = await author.call('GET', `/wp/v2/tags?post=${draft.json.id}`);
    expect(mine.json.map((t: { id: number }) => t.id)).toEqual([tag.json.id]);
    const theirs = await anonymous(server).call('GET', `/wp/v2/tags?post=${draft.json.id}`);
    expect(theirs.status).toBe(401);
    expect(theirs.json.code).toBe('rest_forbidden_context');
    const nothing = await anonymous(server).call('GET', '/wp/v2/tags?post=99999999');
    expect(nothing.status).toBe(400);
  });

  it('searches, includes and paginates terms', async () => {
    for (const name of ['Alpha', 'Beta', 'Gamma'])
      await author.call('POST', '/wp/v2/tags', { name });
    const search = await anonymous(server).call('GET', '/wp/v2/tags?search=alp');
    expect(search.json.map((t: { name: string }) => t.name)).toEqual(['Alpha']);
    const page = await anonymous(server).call('GET', '/wp/v2/tags?per_page=1&page=2&orderby=name');
    expect(page.json).toHaveLength(1);
    expect(Number(page.headers.get('x-wp-totalpages'))).toBe(
      Number(page.headers.get('x-wp-total')),
    );
    expect(page.headers.get('link')).toContain('rel="prev"');
    const beyond = await anonymous(server).call('GET', '/wp/v2/tags?per_page=100&page=50');
    expect(beyond.status).toBe(200);
    expect(beyond.json).toEqual([]);
  });
});
