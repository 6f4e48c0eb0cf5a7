import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restRegistryOf } from '../../src/http/app.js';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { loadGolden } from '../helpers/golden.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

// wpapi is CommonJS and ships no types; this test uses it exactly as a third-party app would.
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped CommonJS client
const WPAPI: any = require('wpapi');

const DISCOVERY_ROUTES = [
  '/wp/v2/types',
  '/wp/v2/types/(?P<type>[\\w-]+)',
  '/wp/v2/statuses',
  '/wp/v2/statuses/(?P<status>[\\w-]+)',
  '/wp/v2/taxonomies',
  '/wp/v2/taxonomies/(?P<taxonomy>[\\w-]+)',
  '/wp/v2/search',
  '/wp/v2/comments',
  '/wp/v2/comments/(?P<id>[\\d]+)',
];

const CURIES = [{ name: 'wp', href: 'https://api.w.org/{rel}', templated: true }];

describe.each(STORES)(
  'REST discovery: types, statuses, taxonomies, search, comments, SPEC §9 ($name)',
  (store) => {
    let server: TestServer;
    let admin: string;
    let editor: string;
    let contributor: string;
    let subscriber: string;
    let contentScope: string;
    const v2 = (route: string) => `${server.url}/wp-json/wp/v2/${route}`;
    const create = async (route: string, body: Record<string, unknown>) => {
      const response = await api(server, 'POST', `/wp/v2/${route}`, { auth: admin, body });
      expect(response.status, `POST ${route} ${response.text}`).toBe(201);
      return response.json;
    };

    beforeAll(async () => {
      server = await startTestServer({ store });
      admin = basic('admin', (await makeApplicationPassword(server, 1, 'admin')).password);
      for (const [login, role] of [
        ['dora', 'editor'],
        ['cody', 'contributor'],
        ['sue', 'subscriber'],
      ] as const) {
        const user = await server.createUser(login, role);
        const credential = basic(login, (await makeApplicationPassword(server, user.id)).password);
        if (role === 'editor') editor = credential;
        else if (role === 'contributor') contributor = credential;
        else subscriber = credential;
      }
      contentScope = basic(
        'admin',
        (await makeApplicationPassword(server, 1, 'content only', { scope: 'content' })).password,
      );
    });
    afterAll(() => server?.close());

    it('every discovery route is in the index and the wp/v2 namespace index, declared content tier, with WordPress’s arguments', async () => {
      const golden = loadGolden('03').response.json as {
        routes: Record<string, { methods: string[]; endpoints: Array<{ args: unknown }> }>;
      };
      const root = (await api(server, 'GET', '/')).json;
      const namespace = (await api(server, 'GET', '/wp/v2')).json;
      for (const path of DISCOVERY_ROUTES) {
        for (const index of [root, namespace]) {
          expect(index.routes[path], path).toBeDefined();
          expect(index.routes[path].namespace).toBe('wp/v2');
          expect(index.routes[path].methods, path).toEqual(golden.routes[path]!.methods);
        }
      }
      // The collection routes link to themselves, as WordPress's index does.
      expect(root.routes['/wp/v2/types']._links).toEqual({ self: [{ href: v2('types') }] });
      // Types, statuses and taxonomies take exactly WordPress's parameters.
      for (const path of DISCOVERY_ROUTES.slice(0, 6))
        expect(root.routes[path].endpoints[0].args, path).toEqual(
          golden.routes[path]!.endpoints[0]!.args,
        );
      const registry = restRegistryOf(server.latchkey.app);
      for (const path of DISCOVERY_ROUTES) {
        const route = registry.routes.find((r) => r.path === path)!;
        for (const endpoint of route.endpoints)
          expect(endpoint.tier ?? route.tier, `${path} ${endpoint.methods.join()}`).toBe('content');
      }
    });

    it('lists the post types with WordPress 6.1’s view shape and the standard REST headers', async () => {
      const response = await api(server, 'GET', '/wp/v2/types');
      expect(response.status).toBe(200);
      expect(response.headers.get('link')).toBe(
        `<${server.url}/wp-json/>; rel="https://api.w.org/"`,
      );
      expect(response.headers.get('allow')).toBe('GET');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-cache, must-revalidate, max-age=0');
      expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
      expect(Object.keys(response.json)).toEqual(['post', 'page', 'attachment']);
      expect(response.json.post).toEqual({
        description: '',
        hierarchical: false,
        has_archive: false,
        name: 'Posts',
        slug: 'post',
        icon: 'dashicons-admin-post',
        taxonomies: ['category', 'post_tag'],
        rest_base: 'posts',
        rest_namespace: 'wp/v2',
        _links: {
          collection: [{ href: v2('types') }],
          'wp:items': [{ href: v2('posts') }],
          curies: CURIES,
        },
      });
      // Key order is WordPress's, which clients that diff responses notice.
      expect(Object.keys(response.json.page)).toEqual(Object.keys(response.json.post));
      expect(response.json.page).toMatchObject({
        hierarchical: true,
        taxonomies: [],
        name: 'Pages',
      });
      expect(response.json.attachment).toMatchObject({
        name: 'Media',
        rest_base: 'media',
        icon: 'dashicons-admin-media',
        _links: { 'wp:items': [{ href: v2('media') }] },
      });

      const one = await api(server, 'GET', '/wp/v2/types/page');
      expect(one.status).toBe(200);
      expect(one.json).toEqual(response.json.page);
      const embed = await api(server, 'GET', '/wp/v2/types/post?context=embed');
      expect(Object.keys(embed.json)).toEqual([
        'name',
        'slug',
        'icon',
        'rest_base',
        'rest_namespace',
        '_links',
      ]);
    });

    it('shows the edit context of a type only to those who may edit it, and answers unknown types with 404', async () => {
      const edit = await api(server, 'GET', '/wp/v2/types/page?context=edit', { auth: editor });
      expect(edit.status).toBe(200);
      expect(Object.keys(edit.json)).toEqual([
        'capabilities',
        'description',
        'hierarchical',
        'has_archive',
        'visibility',
        'viewable',
        'labels',
        'name',
        'slug',
        'icon',
        'supports',
        'taxonomies',
        'rest_base',
        'rest_namespace',
        '_links',
      ]);
      expect(edit.json.capabilities).toMatchObject({
        edit_post: 'edit_page',
        edit_posts: 'edit_pages',
        publish_posts: 'publish_pages',
        create_posts: 'edit_pages',
      });
      expect(edit.json.labels).toMatchObject({
        name: 'Pages',
        singular_name: 'Page',
        add_new_item: 'Add New Page',
        parent_item_colon: 'Parent Page:',
        not_found: 'No pages found.',
      });
      expect(edit.json.supports).toMatchObject({ title: true, 'page-attributes': true });
      expect(edit.json.supports.comments).toBeUndefined();
      expect(edit.json.viewable).toBe(true);
      const media = await api(server, 'GET', '/wp/v2/types/attachment?context=edit', {
        auth: editor,
      });
      expect(media.json.capabilities.create_posts).toBe('upload_files');
      expect(media.json.labels.edit_item).toBe('Edit Media');

      // A contributor edits posts (and so media) but not pages: the edit list leaves pages out.
      const mine = await api(server, 'GET', '/wp/v2/types?context=edit', { auth: contributor });
      expect(mine.status).toBe(200);
      expect(Object.keys(mine.json)).toEqual(['post', 'attachment']);
      expect(
        (await api(server, 'GET', '/wp/v2/types/page?context=edit', { auth: contributor })).json,
      ).toEqual({
        code: 'rest_forbidden_context',
        message: 'Sorry, you are not allowed to edit posts in this post type.',
        data: { status: 403 },
      });
      const anonymous = await api(server, 'GET', '/wp/v2/types?context=edit');
      expect(anonymous.status).toBe(401);
      expect(anonymous.json.code).toBe('rest_cannot_view');
      const reader = await api(server, 'GET', '/wp/v2/types?context=edit', { auth: subscriber });
      expect(reader.status).toBe(403);
      expect(reader.json.code).toBe('rest_cannot_view');

      const unknown = await api(server, 'GET', '/wp/v2/types/product');
      expect(unknown.status).toBe(404);
      expect(unknown.json).toEqual({
        code: 'rest_type_invalid',
        message: 'Invalid post type.',
        data: { status: 404 },
      });
      const badContext = await api(server, 'GET', '/wp/v2/types?context=admin');
      expect(badContext.status).toBe(400);
      expect(badContext.json).toMatchObject({
        code: 'rest_invalid_param',
        data: { params: { context: 'context is not one of view, embed, edit.' } },
      });
    });

    it('shows only the public status to those who cannot edit, and every status to those who can', async () => {
      const anonymous = await api(server, 'GET', '/wp/v2/statuses');
      expect(anonymous.status).toBe(200);
      expect(anonymous.json).toEqual({
        publish: {
          name: 'Published',
          public: true,
          queryable: true,
          slug: 'publish',
          date_floating: false,
          _links: { archives: [{ href: v2('posts') }] },
        },
      });
      const reader = await api(server, 'GET', '/wp/v2/statuses', { auth: subscriber });
      expect(Object.keys(reader.json)).toEqual(['publish']);

      for (const auth of [editor, contributor]) {
        const all = await api(server, 'GET', '/wp/v2/statuses', { auth });
        expect(Object.keys(all.json)).toEqual([
          'publish',
          'future',
          'draft',
          'pending',
          'private',
          'trash',
        ]);
        expect(all.json.draft).toEqual({
          name: 'Draft',
          public: false,
          queryable: false,
          slug: 'draft',
          date_floating: true,
          _links: { archives: [{ href: `${v2('posts')}?status=draft` }] },
        });
      }
      const edit = await api(server, 'GET', '/wp/v2/statuses?context=edit', { auth: editor });
      expect(edit.json.private).toMatchObject({
        private: true,
        protected: false,
        show_in_list: true,
      });
      expect(edit.json.future).toMatchObject({ name: 'Scheduled', protected: true });
      expect(edit.json.trash).toMatchObject({ show_in_list: false, public: false });
      expect((await api(server, 'GET', '/wp/v2/statuses?context=edit')).json.code).toBe(
        'rest_cannot_view',
      );

      // One status: the public one for anyone, the others for editors only.
      expect((await api(server, 'GET', '/wp/v2/statuses/publish')).status).toBe(200);
      const hidden = await api(server, 'GET', '/wp/v2/statuses/draft');
      expect(hidden.status).toBe(401);
      expect(hidden.json).toEqual({
        code: 'rest_cannot_read_status',
        message: 'Cannot view status.',
        data: { status: 401 },
      });
      expect(
        (await api(server, 'GET', '/wp/v2/statuses/pending', { auth: subscriber })).status,
      ).toBe(403);
      expect(
        (await api(server, 'GET', '/wp/v2/statuses/pending', { auth: editor })).json.name,
      ).toBe('Pending');
      const unknown = await api(server, 'GET', '/wp/v2/statuses/archived', { auth: editor });
      expect(unknown.status).toBe(404);
      expect(unknown.json).toEqual({
        code: 'rest_status_invalid',
        message: 'Invalid status.',
        data: { status: 404 },
      });
    });

    it('lists categories and tags, filters them by post type, and answers unknown taxonomies with 404', async () => {
      const all = await api(server, 'GET', '/wp/v2/taxonomies');
      expect(all.status).toBe(200);
      expect(Object.keys(all.json)).toEqual(['category', 'post_tag']);
      expect(all.json.category).toEqual({
        name: 'Categories',
        slug: 'category',
        description: '',
        types: ['post'],
        hierarchical: true,
        rest_base: 'categories',
        rest_namespace: 'wp/v2',
        _links: {
          collection: [{ href: v2('taxonomies') }],
          'wp:items': [{ href: v2('categories') }],
          curies: CURIES,
        },
      });
      expect(all.json.post_tag).toMatchObject({
        name: 'Tags',
        hierarchical: false,
        rest_base: 'tags',
      });
      expect(Object.keys((await api(server, 'GET', '/wp/v2/taxonomies?type=post')).json)).toEqual([
        'category',
        'post_tag',
      ]);
      // A type without taxonomies gets an empty object, not an empty array.
      for (const type of ['page', 'attachment', 'no-such-type']) {
        const none = await api(server, 'GET', `/wp/v2/taxonomies?type=${type}`);
        expect(none.status).toBe(200);
        expect(none.text).toBe('{}');
      }
      expect((await api(server, 'GET', '/wp/v2/taxonomies/post_tag')).json).toEqual(
        all.json.post_tag,
      );

      const edit = await api(server, 'GET', '/wp/v2/taxonomies/category?context=edit', {
        auth: contributor,
      });
      expect(edit.status).toBe(200);
      expect(edit.json.capabilities).toEqual({
        manage_terms: 'manage_categories',
        edit_terms: 'edit_categories',
        delete_terms: 'delete_categories',
        assign_terms: 'assign_categories',
      });
      expect(edit.json.labels).toMatchObject({
        name: 'Categories',
        parent_item: 'Parent Category',
        popular_items: null,
        back_to_items: '&larr; Go to Categories',
        name_admin_bar: 'category',
      });
      expect(edit.json).toMatchObject({ show_cloud: true, visibility: { show_ui: true } });
      const tagLabels = (
        await api(server, 'GET', '/wp/v2/taxonomies/post_tag?context=edit', { auth: editor })
      ).json.labels;
      expect(tagLabels).toMatchObject({
        separate_items_with_commas: 'Separate tags with commas',
        parent_item: null,
      });
      expect((await api(server, 'GET', '/wp/v2/taxonomies?context=edit')).json.code).toBe(
        'rest_cannot_view',
      );
      const reader = await api(server, 'GET', '/wp/v2/taxonomies/category?context=edit', {
        auth: subscriber,
      });
      expect(reader.status).toBe(403);
      expect(reader.json.code).toBe('rest_forbidden_context');

      const unknown = await api(server, 'GET', '/wp/v2/taxonomies/genre');
      expect(unknown.status).toBe(404);
      expect(unknown.json).toEqual({
        code: 'rest_taxonomy_invalid',
        message: 'Invalid taxonomy.',
        data: { status: 404 },
      });
    });

    it('the wpapi client reads the types and taxonomies it discovered', async () => {
      const site = await WPAPI.discover(`${server.url}/`);
      const types = await site.types().get();
      expect(Object.keys(types)).toEqual(['post', 'page', 'attachment']);
      const post = await site.types().type('post').get();
      expect(post).toMatchObject({
        slug: 'post',
        rest_base: 'posts',
        taxonomies: ['category', 'post_tag'],
      });
      const taxonomies = await site.taxonomies().param('type', 'post').get();
      expect(Object.keys(taxonomies)).toEqual(['category', 'post_tag']);
      const tags = await site.taxonomies().taxonomy('post_tag').get();
      expect(tags).toMatchObject({ slug: 'post_tag', rest_base: 'tags', types: ['post'] });
      await expect(site.types().type('product').get()).rejects.toMatchObject({
        code: 'rest_type_invalid',
      });
    });

    it('searches published posts and pages only: never a draft, pending, private or scheduled post', async () => {
      const published = await create('posts', {
        title: 'Wombat field notes',
        content: 'Burrows everywhere.',
        status: 'publish',
      });
      const page = await create('pages', { title: 'About wombats', status: 'publish' });
      const draft = await create('posts', { title: 'Wombat draft', status: 'draft' });
      await create('posts', { title: 'Wombat pending', status: 'pending' });
      await create('posts', { title: 'Wombat private', status: 'private' });
      // A draft by the editor, whom WordPress's search does not show it either.
      await api(server, 'POST', '/wp/v2/posts', {
        auth: editor,
        body: { title: 'Wombat editor draft', status: 'draft' },
      });

      const anonymous = await api(server, 'GET', '/wp/v2/search?search=wombat');
      expect(anonymous.status).toBe(200);
      // Title matches first, then the newest.
      expect(anonymous.json.map((r: { id: number }) => r.id)).toEqual([page.id, published.id]);
      expect(anonymous.headers.get('x-wp-total')).toBe('2');
      expect(anonymous.headers.get('x-wp-totalpages')).toBe('1');
      expect(anonymous.json[1]).toEqual({
        id: published.id,
        title: 'Wombat field notes',
        url: published.link,
        type: 'post',
        subtype: 'post',
        _links: {
          self: [{ embeddable: true, href: v2(`posts/${published.id}`) }],
          about: [{ href: v2('types/post') }],
          collection: [{ href: v2('search') }],
        },
      });
      expect(anonymous.json[0]).toMatchObject({
        subtype: 'page',
        url: `${server.url}/about-wombats/`,
      });
      // Signed in or not, the search lists what is public.
      const asEditor = await api(server, 'GET', '/wp/v2/search?search=wombat', { auth: editor });
      expect(asEditor.headers.get('x-wp-total')).toBe('2');

      const pagesOnly = await api(server, 'GET', '/wp/v2/search?search=wombat&subtype=page');
      expect(pagesOnly.json.map((r: { id: number }) => r.id)).toEqual([page.id]);
      const bracketed = await api(server, 'GET', '/wp/v2/search?search=wombat&subtype[]=post');
      expect(bracketed.json.map((r: { id: number }) => r.id)).toEqual([published.id]);
      // Every word must match, in the title or the text.
      const words = await api(server, 'GET', '/wp/v2/search?search=wombat%20burrows');
      expect(words.json.map((r: { id: number }) => r.id)).toEqual([published.id]);

      // Published, the draft is found.
      expect((await api(server, 'GET', '/wp/v2/search?search=draft')).json).toEqual([]);
      await api(server, 'POST', `/wp/v2/posts/${draft.id}`, {
        auth: admin,
        body: { status: 'publish' },
      });
      const afterPublish = await api(server, 'GET', '/wp/v2/search?search=draft');
      expect(afterPublish.json.map((r: { id: number }) => r.id)).toEqual([draft.id]);

      // A scheduled post is found once its time has come.
      const later = new Date(server.clock.now + 3_600_000).toISOString().slice(0, 19);
      const scheduled = await create('posts', {
        title: 'Scheduled numbat',
        status: 'publish',
        date_gmt: later,
      });
      expect(scheduled.status).toBe('future');
      expect((await api(server, 'GET', '/wp/v2/search?search=numbat')).json).toEqual([]);
      server.clock.advance(2 * 3_600_000);
      expect(
        (await api(server, 'GET', '/wp/v2/search?search=numbat')).json.map(
          (r: { id: number }) => r.id,
        ),
      ).toEqual([scheduled.id]);
    });

    it('never matches the text behind a post’s password, only its public title', async () => {
      const locked = await create('posts', {
        title: 'Locked quoll diary',
        content: 'The secret is marsupial.',
        excerpt: 'Also secretive.',
        password: 'open sesame',
        status: 'publish',
      });
      for (const auth of [undefined, editor]) {
        const byText = await api(server, 'GET', '/wp/v2/search?search=marsupial', {
          ...(auth ? { auth } : {}),
        });
        expect(byText.json).toEqual([]);
        const byExcerpt = await api(server, 'GET', '/wp/v2/search?search=secretive', {
          ...(auth ? { auth } : {}),
        });
        expect(byExcerpt.json).toEqual([]);
      }
      const byTitle = await api(server, 'GET', '/wp/v2/search?search=quoll');
      expect(byTitle.json.map((r: { id: number }) => r.id)).toEqual([locked.id]);
      expect(byTitle.json[0].title).toBe('Locked quoll diary');
    });

    it('paginates with X-WP-Total, X-WP-TotalPages and Link, and refuses a page past the end', async () => {
      const ids: number[] = [];
      for (const n of [1, 2, 3])
        ids.push((await create('posts', { title: `Quokka ${n}`, status: 'publish' })).id);
      const first = await api(server, 'GET', '/wp/v2/search?search=quokka&per_page=2');
      expect(first.json.map((r: { id: number }) => r.id)).toEqual([ids[2], ids[1]]);
      expect(first.headers.get('x-wp-total')).toBe('3');
      expect(first.headers.get('x-wp-totalpages')).toBe('2');
      expect(first.headers.get('link')).toContain(
        `<${v2('search')}?search=quokka&per_page=2&page=2>; rel="next"`,
      );
      const second = await api(server, 'GET', '/wp/v2/search?search=quokka&per_page=2&page=2');
      expect(second.json.map((r: { id: number }) => r.id)).toEqual([ids[0]]);
      expect(second.headers.get('link')).toContain('rel="prev"');
      expect(second.headers.get('link')).not.toContain('rel="next"');
      const past = await api(server, 'GET', '/wp/v2/search?search=quokka&per_page=2&page=3');
      expect(past.status).toBe(400);
      expect(past.json).toEqual({
        code: 'rest_search_invalid_page_number',
        message: 'The page number requested is larger than the number of pages available.',
        data: { status: 400 },
      });
      // Nothing found is an empty page, whatever the page number.
      const nothing = await api(server, 'GET', '/wp/v2/search?search=platypus&page=4');
      expect(nothing.status).toBe(200);
      expect(nothing.json).toEqual([]);
      expect(nothing.headers.get('x-wp-total')).toBe('0');
      expect(nothing.headers.get('x-wp-totalpages')).toBe('0');
      const include = await api(
        server,
        'GET',
        `/wp/v2/search?search=quokka&include=${ids[0]},${ids[1]}&exclude=${ids[1]}`,
      );
      expect(include.json.map((r: { id: number }) => r.id)).toEqual([ids[0]]);

      const site = await WPAPI.discover(`${server.url}/`);
      const results = await site.search().search('quokka').perPage(2).get();
      expect(results.map((r: { id: number }) => r.id)).toEqual([ids[2], ids[1]]);
      expect(results._paging).toMatchObject({ total: 3, totalPages: 2 });
      const next = await results._paging.next.get();
      expect(next.map((r: { id: number }) => r.id)).toEqual([ids[0]]);
    });

    it('searches categories and tags with type=term, as WordPress shapes those results', async () => {
      const category = await create('categories', { name: 'Bilby Facts' });
      const tag = await create('tags', { name: 'bilby' });
      const terms = await api(server, 'GET', '/wp/v2/search?type=term&search=bilby');
      expect(terms.status).toBe(200);
      expect(terms.json).toEqual([
        {
          id: tag.id,
          title: 'bilby',
          url: `${server.url}/tag/bilby/`,
          type: 'post_tag',
          _links: {
            self: [{ embeddable: true, href: v2(`tags/${tag.id}`) }],
            about: [{ href: v2('taxonomies/post_tag') }],
            collection: [{ href: v2('search') }],
          },
        },
        expect.objectContaining({
          id: category.id,
          title: 'Bilby Facts',
          url: `${server.url}/category/bilby-facts/`,
          type: 'category',
        }),
      ]);
      expect(terms.headers.get('x-wp-total')).toBe('2');
      const categoriesOnly = await api(
        server,
        'GET',
        '/wp/v2/search?type=term&search=bilby&subtype=category',
      );
      expect(categoriesOnly.json.map((r: { id: number }) => r.id)).toEqual([category.id]);
      // A post subtype names nothing among terms.
      const mismatch = await api(server, 'GET', '/wp/v2/search?type=term&subtype=post');
      expect(mismatch.json).toEqual([]);
      expect(mismatch.headers.get('x-wp-total')).toBe('0');
    });

    it('refuses bad search parameters with WordPress’s codes, never a 500', async () => {
      for (const [query, param] of [
        ['type=user', 'type'],
        ['subtype=product', 'subtype'],
        ['per_page=0', 'per_page'],
        ['per_page=101', 'per_page'],
        ['page=0', 'page'],
        ['page=two', 'page'],
        ['context=edit', 'context'],
        ['include=1,x', 'include'],
      ] as const) {
        const response = await api(server, 'GET', `/wp/v2/search?${query}`);
        expect(response.status, query).toBe(400);
        expect(response.json.code, query).toBe('rest_invalid_param');
        expect(Object.keys(response.json.data.params), query).toEqual([param]);
      }
      const odd = await api(server, 'GET', `/wp/v2/search?search=${encodeURIComponent("%_\\'")}`);
      expect(odd.status).toBe(200);
      expect(odd.json).toEqual([]);
    });

    it('comments: always an empty list, no comment by id, and writes refused plainly', async () => {
      const post = await create('posts', { title: 'Commented', status: 'publish' });
      const list = await api(server, 'GET', '/wp/v2/comments');
      expect(list.status).toBe(200);
      expect(list.json).toEqual([]);
      expect(list.headers.get('x-wp-total')).toBe('0');
      expect(list.headers.get('x-wp-totalpages')).toBe('0');
      expect(list.headers.get('link')).toContain('rel="https://api.w.org/"');
      // A post's `replies` link leads here.
      const replies = await fetch(post._links.replies[0].href);
      expect(replies.status).toBe(200);
      expect(await replies.json()).toEqual([]);
      expect(replies.headers.get('x-wp-total')).toBe('0');
      expect((await api(server, 'GET', '/wp/v2/comments?context=edit')).json.code).toBe(
        'rest_forbidden_context',
      );
      expect(
        (await api(server, 'GET', '/wp/v2/comments?context=edit', { auth: editor })).status,
      ).toBe(200);
      expect((await api(server, 'GET', '/wp/v2/comments?per_page=500')).json.code).toBe(
        'rest_invalid_param',
      );

      const one = await api(server, 'GET', '/wp/v2/comments/7');
      expect(one.status).toBe(404);
      expect(one.json).toEqual({
        code: 'rest_comment_invalid_id',
        message: 'Invalid comment ID.',
        data: { status: 404 },
      });

      for (const auth of [undefined, editor, contentScope]) {
        const write = await api(server, 'POST', '/wp/v2/comments', {
          ...(auth ? { auth } : {}),
          body: { post: post.id, content: 'Nice post!' },
        });
        expect(write.status).toBe(501);
        expect(write.json).toEqual({
          code: 'latchkey_comments_unsupported',
          message:
            'Latchkey does not store comments: wp/v2/comments is read-only and always empty.',
          data: { status: 501 },
        });
      }
      const raw = await api(server, 'POST', '/wp/v2/comments', {
        auth: editor,
        body: { post: post.id, content: { raw: 'As raw' } },
      });
      expect(raw.status).toBe(501);
      // Even an empty comment gets the plain answer: nothing about comments can be written.
      const empty = await api(server, 'POST', '/wp/v2/comments', {
        auth: editor,
        body: { post: post.id, content: '   ' },
      });
      expect(empty.status).toBe(501);
      expect(empty.json.code).toBe('latchkey_comments_unsupported');
      const badEmail = await api(server, 'POST', '/wp/v2/comments', {
        body: { content: 'Hi', author_email: 'not-an-address' },
      });
      expect(badEmail.status).toBe(400);
      expect(badEmail.json.code).toBe('rest_invalid_param');
      // Changing or deleting one is a write like any other (SPEC §9): 501, not a pretend 404.
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const change = await api(server, method, '/wp/v2/comments/7', {
          auth: editor,
          ...(method === 'DELETE' ? {} : { body: { content: 'Edited' } }),
        });
        expect(change.status, method).toBe(501);
        expect(change.json.code, method).toBe('latchkey_comments_unsupported');
      }
    });

    it('a content-scope application password reads every discovery route', async () => {
      for (const path of [
        '/wp/v2/types?context=edit',
        '/wp/v2/types/post',
        '/wp/v2/statuses?context=edit',
        '/wp/v2/statuses/draft',
        '/wp/v2/taxonomies?context=edit',
        '/wp/v2/taxonomies/category',
        '/wp/v2/search?search=quokka',
        '/wp/v2/search?type=term',
        '/wp/v2/comments',
      ]) {
        const response = await api(server, 'GET', path, { auth: contentScope });
        expect(response.status, path).toBe(200);
        expect(response.headers.get('expires'), path).toBe('Wed, 11 Jan 1984 05:00:00 GMT');
      }
      // The administrator behind it sees what an administrator sees.
      const statuses = await api(server, 'GET', '/wp/v2/statuses', { auth: contentScope });
      expect(Object.keys(statuses.json)).toContain('draft');
    });
  },
);
