import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { anonymous, signedIn, userWithRole, type RestCaller } from './contentClient.js';

describe.each(STORES)('REST wp/v2 posts and pages, SPEC §2, §9 ($name)', (store) => {
  let server: TestServer;
  let admin: RestCaller;
  let editor: Awaited<ReturnType<typeof userWithRole>>;
  let author: Awaited<ReturnType<typeof userWithRole>>;
  let contributor: Awaited<ReturnType<typeof userWithRole>>;
  let subscriber: Awaited<ReturnType<typeof userWithRole>>;
  beforeAll(async () => {
    server = await startTestServer({ store });
    admin = await signedIn(server, 'admin', ADMIN_PASSWORD);
    editor = await userWithRole(server, 'eddie', 'editor');
    author = await userWithRole(server, 'annie', 'author');
    contributor = await userWithRole(server, 'connie', 'contributor');
    subscriber = await userWithRole(server, 'sub', 'subscriber');
  });
  afterAll(() => server?.close());

  it('creates, reads, updates, trashes and deletes a post', async () => {
    const created = await author.call('POST', '/wp/v2/posts', {
      title: 'First draft',
      content: 'Line one\n\nLine two',
    });
    expect(created.status).toBe(201);
    const id = created.json.id;
    expect(created.json).toMatchObject({
      status: 'draft',
      slug: '',
      generated_slug: 'first-draft',
      link: `${server.url}/?p=${id}`,
      guid: { raw: `${server.url}/?p=${id}` },
      content: { rendered: '<p>Line one</p>\n<p>Line two</p>\n' },
    });

    const read = await author.call('GET', `/wp/v2/posts/${id}?context=edit`);
    expect(read.status).toBe(200);
    expect(read.json.title.raw).toBe('First draft');
    // Drafts are nobody else's business.
    const anon = await anonymous(server).call('GET', `/wp/v2/posts/${id}`);
    expect(anon.status).toBe(401);
    expect(anon.json).toEqual({
      code: 'rest_forbidden',
      message: 'Sorry, you are not allowed to do that.',
      data: { status: 401 },
    });
    expect((await subscriber.call('GET', `/wp/v2/posts/${id}`)).status).toBe(403);

    const published = await author.call('POST', `/wp/v2/posts/${id}`, {
      status: 'publish',
      title: 'Now public',
    });
    expect(published.status).toBe(200);
    expect(published.json).toMatchObject({
      status: 'publish',
      slug: 'now-public',
      link: `${server.url}/now-public/`,
    });
    const view = await anonymous(server).call('GET', `/wp/v2/posts/${id}`);
    expect(view.status).toBe(200);
    expect(Object.keys(view.json)).toEqual([
      'id',
      'date',
      'date_gmt',
      'guid',
      'modified',
      'modified_gmt',
      'slug',
      'status',
      'type',
      'link',
      'title',
      'content',
      'excerpt',
      'author',
      'featured_media',
      'comment_status',
      'ping_status',
      'sticky',
      'template',
      'format',
      'meta',
      'categories',
      'tags',
      '_links',
    ]);
    expect(view.json.title).toEqual({ rendered: 'Now public' });
    expect(view.json._links).not.toHaveProperty('wp:action-publish');
    const embed = await anonymous(server).call('GET', `/wp/v2/posts/${id}?context=embed`);
    expect(Object.keys(embed.json)).toEqual([
      'id',
      'date',
      'slug',
      'type',
      'link',
      'title',
      'excerpt',
      'author',
      'featured_media',
      '_links',
    ]);
    const editCtx = await anonymous(server).call('GET', `/wp/v2/posts/${id}?context=edit`);
    expect(editCtx.status).toBe(401);
    expect(editCtx.json.code).toBe('rest_forbidden_context');

    const put = await author.call('PUT', `/wp/v2/posts/${id}`, { excerpt: 'Short' });
    expect(put.json.excerpt).toMatchObject({ raw: 'Short', rendered: '<p>Short</p>\n' });

    const trashed = await author.call('DELETE', `/wp/v2/posts/${id}`);
    expect(trashed.status).toBe(200);
    expect(trashed.json).toMatchObject({ id, status: 'trash', slug: 'now-public__trashed' });
    const again = await author.call('DELETE', `/wp/v2/posts/${id}`);
    expect(again.status).toBe(410);
    expect(again.json.code).toBe('rest_already_trashed');
    expect((await anonymous(server).call('GET', `/wp/v2/posts/${id}`)).status).toBe(401);

    const deleted = await author.call('DELETE', `/wp/v2/posts/${id}?force=true`);
    expect(deleted.status).toBe(200);
    expect(deleted.json.deleted).toBe(true);
    expect(deleted.json.previous).toMatchObject({ id, status: 'trash' });
    const gone = await author.call('GET', `/wp/v2/posts/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({
      code: 'rest_post_invalid_id',
      message: 'Invalid post ID.',
      data: { status: 404 },
    });
    const deleteMissing = await admin.call('DELETE', `/wp/v2/posts/${id}?force=true`);
    expect(deleteMissing.json.code).toBe('rest_post_invalid_id');
  });

  it('creates, lists, updates and deletes a page (editors only)', async () => {
    const refused = await author.call('POST', '/wp/v2/pages', { title: 'About' });
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe('rest_cannot_create');
    const parent = await editor.call('POST', '/wp/v2/pages', {
      title: 'About',
      content: 'Who we are',
      status: 'publish',
    });
    expect(parent.status).toBe(201);
    expect(parent.headers.get('location')).toBe(
      `${server.url}/wp-json/wp/v2/pages/${parent.json.id}`,
    );
    expect(parent.json).toMatchObject({
      type: 'page',
      parent: 0,
      menu_order: 0,
      comment_status: 'closed',
      ping_status: 'closed',
      permalink_template: `${server.url}/%pagename%/`,
    });
    expect(parent.json).not.toHaveProperty('categories');
    expect(parent.json).not.toHaveProperty('sticky');
    expect(parent.json).not.toHaveProperty('format');
    const child = await editor.call('POST', '/wp/v2/pages', {
      title: 'Team',
      parent: parent.json.id,
      menu_order: 2,
      status: 'publish',
    });
    expect(child.json).toMatchObject({ parent: parent.json.id, menu_order: 2 });
    expect(child.json._links.up).toEqual([
      { embeddable: true, href: `${server.url}/wp-json/wp/v2/pages/${parent.json.id}` },
    ]);
    const badParent = await editor.call('POST', '/wp/v2/pages', { title: 'x', parent: 999999 });
    expect(badParent.status).toBe(400);
    expect(badParent.json).toMatchObject({
      code: 'rest_post_invalid_id',
      message: 'Invalid post parent ID.',
    });
    const loop = await editor.call('POST', `/wp/v2/pages/${parent.json.id}`, {
      parent: child.json.id,
    });
    expect(loop.status).toBe(400);

    const list = await anonymous(server).call('GET', `/wp/v2/pages?parent=${parent.json.id}`);
    expect(list.json.map((p: { id: number }) => p.id)).toEqual([child.json.id]);
    // A page id is not a post id.
    expect((await anonymous(server).call('GET', `/wp/v2/posts/${parent.json.id}`)).status).toBe(
      404,
    );
    const updated = await editor.call('PATCH', `/wp/v2/pages/${child.json.id}`, {
      menu_order: 1,
    });
    expect(updated.json.menu_order).toBe(1);
    const deleted = await admin.call('DELETE', `/wp/v2/pages/${child.json.id}?force=1`);
    expect(deleted.json.deleted).toBe(true);
  });

  it('capability matrix: contributors cannot publish, authors cannot touch others, editors can', async () => {
    const publish = await contributor.call('POST', '/wp/v2/posts', {
      title: 'Mine',
      status: 'publish',
    });
    expect(publish.status).toBe(403);
    expect(publish.json).toEqual({
      code: 'rest_cannot_publish',
      message: 'Sorry, you are not allowed to publish posts in this post type.',
      data: { status: 403 },
    });
    const privately = await contributor.call('POST', '/wp/v2/posts', {
      title: 'Mine',
      status: 'private',
    });
    expect(privately.json.message).toBe(
      'Sorry, you are not allowed to create private posts in this post type.',
    );
    const pending = await contributor.call('POST', '/wp/v2/posts', {
      title: 'For review',
      status: 'pending',
    });
    expect(pending.status).toBe(201);
    expect(pending.json._links).not.toHaveProperty('wp:action-publish');

    const authorsPost = await author.call('POST', '/wp/v2/posts', {
      title: 'By the author',
      status: 'publish',
    });
    const othersEdit = await contributor.call('POST', `/wp/v2/posts/${authorsPost.json.id}`, {
      title: 'Hijack',
    });
    expect(othersEdit.status).toBe(403);
    expect(othersEdit.json).toEqual({
      code: 'rest_cannot_edit',
      message: 'Sorry, you are not allowed to edit this post.',
      data: { status: 403 },
    });
    const authorEditsOther = await author.call('POST', `/wp/v2/posts/${pending.json.id}`, {
      title: 'Hijack',
    });
    expect(authorEditsOther.status).toBe(403);
    const authorDeletesOther = await author.call('DELETE', `/wp/v2/posts/${pending.json.id}`);
    expect(authorDeletesOther.json.code).toBe('rest_cannot_delete');
    const asOther = await author.call('POST', '/wp/v2/posts', {
      title: 'Ghost',
      author: editor.id,
    });
    expect(asOther.json).toEqual({
      code: 'rest_cannot_edit_others',
      message: 'Sorry, you are not allowed to create posts as this user.',
      data: { status: 403 },
    });

    const editorEdits = await editor.call('POST', `/wp/v2/posts/${pending.json.id}`, {
      status: 'publish',
    });
    expect(editorEdits.status).toBe(200);
    expect(editorEdits.json).toMatchObject({ status: 'publish', author: contributor.id });
    // Now published, the contributor may no longer edit it.
    const contribAfter = await contributor.call('POST', `/wp/v2/posts/${pending.json.id}`, {
      title: 'Late change',
    });
    expect(contribAfter.status).toBe(403);
    expect((await editor.call('DELETE', `/wp/v2/posts/${authorsPost.json.id}`)).json.status).toBe(
      'trash',
    );
    const reassigned = await editor.call('POST', '/wp/v2/posts', {
      title: 'For Annie',
      author: author.id,
    });
    expect(reassigned.json.author).toBe(author.id);
    const badAuthor = await editor.call('POST', '/wp/v2/posts', { title: 'x', author: 999999 });
    expect(badAuthor.json).toMatchObject({ code: 'rest_invalid_author', data: { status: 400 } });
    // Allow tells each caller what it may do.
    const mine = await contributor.call('POST', '/wp/v2/posts', { title: 'Draft of mine' });
    const allow = await contributor.call('GET', `/wp/v2/posts/${mine.json.id}`);
    expect(allow.headers.get('allow')).toBe('GET, POST, PUT, PATCH, DELETE');
    expect(
      (await subscriber.call('GET', `/wp/v2/posts/${editorEdits.json.id}`)).headers.get('allow'),
    ).toBe('GET');
  });

  it('sanitises HTML from users without unfiltered_html and keeps an administrator’s', async () => {
    const dirty =
      '<p onclick="steal()">Hello <script>alert(1)</script><img src="x.png" onerror="alert(2)"><a href="javascript:alert(3)">link</a></p>';
    const byAuthor = await author.call('POST', '/wp/v2/posts', {
      title: 'Bold <script>alert(4)</script><em>title</em>',
      content: dirty,
      excerpt: '<b onmouseover="x()">ex</b>',
    });
    expect(byAuthor.status).toBe(201);
    expect(byAuthor.json.content.raw).toBe('<p>Hello <img src="x.png" /><a>link</a></p>');
    expect(byAuthor.json.content.rendered).not.toMatch(/script|onerror|onclick|javascript:/);
    expect(byAuthor.json.title.raw).toBe('Bold <em>title</em>');
    expect(byAuthor.json.excerpt.raw).toBe('<b>ex</b>');
    const updated = await author.call('POST', `/wp/v2/posts/${byAuthor.json.id}`, {
      content: { raw: '<img src=x onerror=alert(1)>' },
    });
    expect(updated.json.content.raw).toBe('<img src="x" />');

    const byAdmin = await admin.call('POST', '/wp/v2/posts', {
      title: 'Trusted',
      content: dirty,
    });
    expect(byAdmin.json.content.raw).toBe(dirty);
    expect(byAdmin.json._links).toHaveProperty('wp:action-unfiltered-html');
  });

  it('paginates with X-WP-Total, X-WP-TotalPages and Link, and refuses pages beyond the end', async () => {
    const fresh = await startTestServer({ store });
    try {
      const root = await signedIn(fresh, 'admin', ADMIN_PASSWORD);
      for (let i = 1; i <= 5; i++)
        await root.call('POST', '/wp/v2/posts', { title: `Post ${i}`, status: 'publish' });
      await root.call('POST', '/wp/v2/posts', { title: 'Hidden draft' });
      const first = await anonymous(fresh).call('GET', '/wp/v2/posts?per_page=2');
      expect(first.status).toBe(200);
      expect(first.json).toHaveLength(2);
      expect(first.headers.get('x-wp-total')).toBe('5');
      expect(first.headers.get('x-wp-totalpages')).toBe('3');
      expect(first.headers.get('link')).toBe(
        `<${fresh.url}/wp-json/>; rel="https://api.w.org/", <${fresh.url}/wp-json/wp/v2/posts?per_page=2&page=2>; rel="next"`,
      );
      const middle = await anonymous(fresh).call('GET', '/wp/v2/posts?per_page=2&page=2');
      expect(middle.headers.get('link')).toContain('page=1>; rel="prev"');
      expect(middle.headers.get('link')).toContain('page=3>; rel="next"');
      const last = await anonymous(fresh).call('GET', '/wp/v2/posts?per_page=2&page=3');
      expect(last.json).toHaveLength(1);
      const beyond = await anonymous(fresh).call('GET', '/wp/v2/posts?per_page=2&page=4');
      expect(beyond.status).toBe(400);
      expect(beyond.json).toEqual({
        code: 'rest_post_invalid_page_number',
        message: 'The page number requested is larger than the number of pages available.',
        data: { status: 400 },
      });
      const ordered = await anonymous(fresh).call('GET', '/wp/v2/posts?orderby=title&order=asc');
      expect(ordered.json.map((p: { title: { rendered: string } }) => p.title.rendered)).toEqual([
        'Post 1',
        'Post 2',
        'Post 3',
        'Post 4',
        'Post 5',
      ]);
      const searched = await anonymous(fresh).call('GET', '/wp/v2/posts?search=post%203');
      expect(searched.json).toHaveLength(1);
      const bySlug = await anonymous(fresh).call('GET', '/wp/v2/posts?slug=post-4');
      expect(bySlug.json[0].title.rendered).toBe('Post 4');
      const byAuthor = await anonymous(fresh).call('GET', '/wp/v2/posts?author=1&per_page=100');
      expect(byAuthor.json).toHaveLength(5);
      const relevance = await anonymous(fresh).call('GET', '/wp/v2/posts?orderby=relevance');
      expect(relevance.json.code).toBe('rest_no_search_term_defined');
      const drafts = await anonymous(fresh).call('GET', '/wp/v2/posts?status=draft');
      expect(drafts.status).toBe(401);
      expect(drafts.json.code).toBe('rest_forbidden_status');
      const adminDrafts = await root.call('GET', '/wp/v2/posts?status=draft');
      expect(adminDrafts.json).toHaveLength(1);
      const any = await root.call('GET', '/wp/v2/posts?status=any&per_page=100');
      expect(any.headers.get('x-wp-total')).toBe('6');
      const editList = await anonymous(fresh).call('GET', '/wp/v2/posts?context=edit');
      expect(editList.json.code).toBe('rest_forbidden_context');
    } finally {
      await fresh.close();
    }
  });

  it('filters by categories and tags and refuses terms the caller may not assign', async () => {
    const tag = await author.call('POST', '/wp/v2/tags', { name: 'Filtering' });
    expect(tag.status).toBe(201);
    const category = await editor.call('POST', '/wp/v2/categories', { name: 'Filtered' });
    const tagged = await author.call('POST', '/wp/v2/posts', {
      title: 'Tagged',
      status: 'publish',
      tags: [tag.json.id],
      categories: [category.json.id],
    });
    expect(tagged.json).toMatchObject({ tags: [tag.json.id], categories: [category.json.id] });
    const byTag = await anonymous(server).call('GET', `/wp/v2/posts?tags=${tag.json.id}`);
    expect(byTag.json.map((p: { id: number }) => p.id)).toEqual([tagged.json.id]);
    const byCategory = await anonymous(server).call(
      'GET',
      `/wp/v2/posts?categories[]=${category.json.id}`,
    );
    expect(byCategory.json.map((p: { id: number }) => p.id)).toEqual([tagged.json.id]);
    const form = await author.form('POST', `/wp/v2/posts/${tagged.json.id}`, {
      'tags[]': String(tag.json.id),
      categories: '1',
    });
    expect(form.json).toMatchObject({ tags: [tag.json.id], categories: [1] });
    const cleared = await author.call('POST', `/wp/v2/posts/${tagged.json.id}`, {
      categories: [],
    });
    expect(cleared.json.categories).toEqual([1]);
    const subscriberTerms = await subscriber.call('POST', `/wp/v2/posts/${tagged.json.id}`, {
      tags: [tag.json.id],
    });
    expect(subscriberTerms.status).toBe(403);
  });

  it('gives concurrent posts of one title distinct slugs', async () => {
    const created = await Promise.all(
      Array.from({ length: 6 }, () =>
        author.call('POST', '/wp/v2/posts', { title: 'Same title', status: 'publish' }),
      ),
    );
    expect(created.map((c) => c.status)).toEqual(Array(6).fill(201));
    const slugs = created.map((c) => c.json.slug as string);
    expect(new Set(slugs).size).toBe(6);
    expect(slugs).toContain('same-title');
  });

  it('refuses a post whose title, content and excerpt are all empty', async () => {
    const empty = await author.call('POST', '/wp/v2/posts', { status: 'draft' });
    expect(empty.status).toBe(400);
    expect(empty.json).toEqual({
      code: 'empty_content',
      message: 'Content, title, and excerpt are empty.',
      data: { status: 400 },
    });
    // Pages have no such rule.
    expect((await editor.call('POST', '/wp/v2/pages', {})).status).toBe(201);
  });

  it('validates input with WordPress codes', async () => {
    const badStatus = await author.call('POST', '/wp/v2/posts', { title: 'x', status: 'bogus' });
    expect(badStatus.status).toBe(400);
    expect(badStatus.json.code).toBe('rest_invalid_param');
    const badDate = await author.call('POST', '/wp/v2/posts', { title: 'x', date: 'tomorrow' });
    expect(badDate.json).toMatchObject({
      code: 'rest_invalid_param',
      data: { status: 400, params: { date: 'Invalid date.' } },
    });
    const exists = await author.call('POST', '/wp/v2/posts', { id: 5, title: 'x' });
    expect(exists.json.code).toBe('rest_post_exists');
    const stickyPassword = await admin.call('POST', '/wp/v2/posts', {
      title: 'x',
      sticky: true,
      password: 'secret',
    });
    expect(stickyPassword.json).toMatchObject({
      code: 'rest_invalid_field',
      message: 'A post can not be sticky and have a password.',
    });
    const featured = await author.call('POST', '/wp/v2/posts', {
      title: 'x',
      featured_media: 424242,
    });
    expect(featured.json.code).toBe('rest_invalid_featured_media');
    const perPage = await anonymous(server).call('GET', '/wp/v2/posts?per_page=101');
    expect(perPage.json.code).toBe('rest_invalid_param');
  });

  it('schedules posts dated in the future and publishes them when the time comes', async () => {
    const future = new Date(server.clock.now + 3600_000).toISOString().slice(0, 19);
    const scheduled = await author.call('POST', '/wp/v2/posts', {
      title: 'Later',
      status: 'publish',
      date_gmt: future,
    });
    expect(scheduled.json).toMatchObject({ status: 'future', date_gmt: future });
    expect(scheduled.json.link).toBe(`${server.url}/?p=${scheduled.json.id}`);
    expect((await anonymous(server).call('GET', `/wp/v2/posts/${scheduled.json.id}`)).status).toBe(
      401,
    );
    server.clock.advance(3601_000);
    const now = await anonymous(server).call('GET', `/wp/v2/posts/${scheduled.json.id}`);
    expect(now.status).toBe(200);
    expect(now.json.status).toBe('publish');
  });

  it('password-protected posts hide their content unless the password is given', async () => {
    const locked = await author.call('POST', '/wp/v2/posts', {
      title: 'Locked',
      content: 'the secret',
      status: 'publish',
      password: 'open sesame',
    });
    const view = await anonymous(server).call('GET', `/wp/v2/posts/${locked.json.id}`);
    expect(view.json.content).toEqual({ rendered: '', protected: true });
    expect(view.json.excerpt).toEqual({ rendered: '', protected: true });
    const wrong = await anonymous(server).call(
      'GET',
      `/wp/v2/posts/${locked.json.id}?password=nope`,
    );
    expect(wrong.status).toBe(403);
    expect(wrong.json.code).toBe('rest_post_incorrect_password');
    const right = await anonymous(server).call(
      'GET',
      `/wp/v2/posts/${locked.json.id}?password=open%20sesame`,
    );
    expect(right.json.content.rendered).toBe('<p>the secret</p>\n');
    const list = await anonymous(server).call('GET', `/wp/v2/posts?include=${locked.json.id}`);
    expect(list.json[0].content.rendered).toBe('');
  });

  it('shows authors of published posts to anyone through wp/v2/users', async () => {
    const listed = await anonymous(server).call('GET', '/wp/v2/users?per_page=100');
    const ids = listed.json.map((u: { id: number }) => u.id);
    expect(ids).toContain(author.id);
    expect(ids).not.toContain(subscriber.id);
    expect((await anonymous(server).call('GET', `/wp/v2/users/${author.id}`)).status).toBe(200);
    expect((await anonymous(server).call('GET', `/wp/v2/users/${subscriber.id}`)).status).toBe(401);
  });
});
