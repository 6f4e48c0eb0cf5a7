import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserById, findUserByLoginOrEmail, type User } from '../../src/accounts/index.js';
import { listAuditEvents } from '../../src/audit/index.js';
import { findMedia, findPost } from '../../src/content/index.js';
import { readSettings, writeSettings } from '../../src/settings/index.js';
import { XMLRPC_METHODS } from '../../src/xmlrpc/server.js';
import { makeApplicationPassword } from '../helpers/appPasswords.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import {
  pythonWordPressXmlRpc,
  pythonXmlRpc,
  rpcFault,
  rpcValue,
  type LibraryCall,
} from '../helpers/xmlrpc.js';

/**
 * The XML-RPC methods of SPEC §8 beyond the core list, driven by real clients: Python's
 * `xmlrpc.client` making python-wordpress-xmlrpc's calls (it asks `mt.supportedMethods` first
 * and refuses what is missing there) and the npm `wordpress` package.
 */

const require = createRequire(import.meta.url);

type Callback = (
  error: (Error & { code?: number; faultString?: string }) | null,
  value?: unknown,
) => void;
interface WordPressClient {
  authenticatedCall(method: string, ...args: unknown[]): void;
  deletePost(id: string | number, fn: Callback): void;
  getPostType(name: string, fn: Callback): void;
  getPostTypes(filter: Record<string, unknown>, fn: Callback): void;
  getTaxonomy(name: string, fn: Callback): void;
  getTaxonomies(fn: Callback): void;
  getTerm(taxonomy: string, id: string | number, fn: Callback): void;
  getTerms(taxonomy: string, filter: Record<string, unknown>, fn: Callback): void;
  newTerm(data: Record<string, unknown>, fn: Callback): void;
  editTerm(id: string | number, data: Record<string, unknown>, fn: Callback): void;
  deleteTerm(taxonomy: string, id: string | number, fn: Callback): void;
  getMediaItem(id: string | number, fn: Callback): void;
  getMediaLibrary(filter: Record<string, unknown>, fn: Callback): void;
  uploadFile(data: Record<string, unknown>, fn: Callback): void;
}
const wordpress = require('wordpress') as {
  createClient(settings: { url: string; username: string; password: string }): WordPressClient;
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert the shape
type Outcome = { value?: any; fault?: number; string?: string };

const promised = (run: (cb: Callback) => void): Promise<Outcome> =>
  new Promise((resolve, reject) => {
    run((error, value) => {
      if (!error) return resolve({ value });
      if (typeof error.code === 'number' && error.faultString !== undefined)
        return resolve({ fault: error.code, string: error.faultString });
      reject(error);
    });
  });

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Every XML-RPC method python-wordpress-xmlrpc 2.3 has a class for. */
const LIBRARY_METHODS = [
  'demo.sayHello',
  'demo.addTwoNumbers',
  'wp.getPosts',
  'wp.getPost',
  'wp.newPost',
  'wp.editPost',
  'wp.deletePost',
  'wp.getPostStatusList',
  'wp.getPostFormats',
  'wp.getPostTypes',
  'wp.getPostType',
  'wp.getRevisions',
  'wp.restoreRevision',
  'wp.getPageStatusList',
  'wp.getPageTemplates',
  'wp.getTaxonomies',
  'wp.getTaxonomy',
  'wp.getTerms',
  'wp.getTerm',
  'wp.newTerm',
  'wp.editTerm',
  'wp.deleteTerm',
  'wp.getComment',
  'wp.newComment',
  'wp.editComment',
  'wp.deleteComment',
  'wp.getComments',
  'wp.getCommentStatusList',
  'wp.getCommentCount',
  'wp.getUser',
  'wp.getUsers',
  'wp.getProfile',
  'wp.editProfile',
  'wp.getUsersBlogs',
  'wp.getAuthors',
  'wp.getOptions',
  'wp.setOptions',
  'wp.getMediaLibrary',
  'wp.getMediaItem',
  'wp.uploadFile',
];

/** SPEC §8's second list: the methods real clients call beyond the core ones. */
const SPEC_EXTRA_METHODS = [
  'wp.getOptions',
  'wp.setOptions',
  'wp.getPostFormats',
  'wp.getPostStatusList',
  'wp.getPageStatusList',
  'wp.getPageTemplates',
  'wp.getPostType',
  'wp.getPostTypes',
  'wp.getTaxonomy',
  'wp.getTaxonomies',
  'wp.getTerm',
  'wp.getTerms',
  'wp.newTerm',
  'wp.editTerm',
  'wp.deleteTerm',
  'wp.deleteCategory',
  'wp.suggestCategories',
  'wp.getMediaItem',
  'wp.getMediaLibrary',
  'wp.getUser',
  'wp.getUsers',
  'wp.editProfile',
  'wp.getRevisions',
  'blogger.getPost',
  'blogger.getRecentPosts',
  'blogger.newPost',
  'blogger.editPost',
  'metaWeblog.getUsersBlogs',
  'mt.getRecentPostTitles',
  'mt.supportedTextFilters',
  'mt.publishPost',
  'mt.getTrackbackPings',
  'wp.getComments',
  'wp.getCommentCount',
  'wp.getCommentStatusList',
  'wp.newComment',
  'wp.editComment',
  'wp.deleteComment',
];

const SCOPE_FAULT = {
  faultCode: 401,
  faultString:
    'This application password is limited to the content scope; this requires the full scope.',
};
const INTERACTIVE_ONLY = { fault: 403, string: 'This change needs an interactive sign-in.' };
const NO_DETAILS = {
  faultCode: 403,
  faultString: 'Sorry, you are not allowed to access details about this site.',
};

describe.each(STORES)('XML-RPC methods real clients call, SPEC §8 ($name)', (store) => {
  let server: TestServer;
  let admin: User;
  let adminAp: { password: string; uuid: string };
  let contentAp: { password: string };
  let author: User;
  let authorAp: { password: string };
  let contributorAp: { password: string };
  let subscriberAp: { password: string };
  const db = () => server.latchkey.store.db;
  const xmlrpcUrl = () => `${server.url}/xmlrpc.php`;
  const asAdmin = () => ['admin', adminAp.password] as const;
  const library = (username: string, password: string, calls: LibraryCall[]) =>
    pythonWordPressXmlRpc(xmlrpcUrl(), { username, password }, calls);
  const wpClient = (username: string, password: string) =>
    wordpress.createClient({ url: server.url, username, password });

  beforeAll(async () => {
    server = await startTestServer({ store });
    admin = (await findUserByLoginOrEmail(db(), 'admin'))!;
    adminAp = await makeApplicationPassword(server, admin.id, 'python client');
    contentAp = await makeApplicationPassword(server, admin.id, 'content only', {
      scope: 'content',
    });
    author = await server.createUser('writer', 'author');
    authorAp = await makeApplicationPassword(server, author.id, 'writer app');
    const contributor = await server.createUser('helper', 'contributor');
    contributorAp = await makeApplicationPassword(server, contributor.id, 'helper app');
    const subscriber = await server.createUser('reader', 'subscriber');
    subscriberAp = await makeApplicationPassword(server, subscriber.id, 'reader app');
  });
  afterAll(() => server?.close());

  // First, while the site has no post at all.
  it('with no post at all, the recent-post lists answer WordPress’s fault 500', async () => {
    const noPosts = {
      faultCode: 500,
      faultString: 'No posts found or an error occurred while retrieving posts.',
    };
    expect(await rpcFault(server, 'blogger.getRecentPosts', '', 1, ...asAdmin())).toEqual(noPosts);
    expect(await rpcFault(server, 'mt.getRecentPostTitles', 1, ...asAdmin())).toEqual(noPosts);
  });

  describe('method lists', () => {
    it('system.listMethods and mt.supportedMethods both list every method of the table, and no pingback.*', async () => {
      const [listed, supported] = await pythonXmlRpc(xmlrpcUrl(), [
        ['system.listMethods', []],
        ['mt.supportedMethods', []],
      ]);
      const table = Object.keys(XMLRPC_METHODS).sort();
      expect([...listed!.value].sort()).toEqual(table);
      expect([...supported!.value].sort()).toEqual(table);
      for (const name of SPEC_EXTRA_METHODS) expect(table, name).toContain(name);
      expect(table.filter((n) => n.startsWith('pingback.'))).toEqual([]);
    });

    it('python-wordpress-xmlrpc finds every method it has in mt.supportedMethods and refuses the others', async () => {
      const results = await library('admin', adminAp.password, [
        { method: 'demo.sayHello', anonymous: true },
        { method: 'demo.addTwoNumbers', args: [2, 3], anonymous: true },
        { method: 'wp.getUsersBlogs', args: ['admin', adminAp.password], anonymous: true },
        { method: 'pingback.ping', args: ['a', 'b'], anonymous: true },
        { method: 'mt.supportedMethods', anonymous: true },
      ]);
      expect(results.slice(0, 4)).toEqual([
        { value: 'Hello!' },
        { value: 5 },
        { value: [expect.objectContaining({ blogid: '1', isAdmin: true })] },
        { unsupported: true },
      ]);
      const supported = results[4]!.value as string[];
      for (const method of LIBRARY_METHODS) expect(supported, method).toContain(method);
      expect(
        await rpcFault(server, 'demo.addTwoNumbers', 'two', 3),
        'bad input is a clear fault',
      ).toEqual({
        faultCode: 400,
        faultString: 'Invalid arguments passed to this XML-RPC method. Requires two integers.',
      });
    });
  });

  describe('wp.getOptions and wp.setOptions', () => {
    it("answers WordPress's option structs; only an administrator sees writable ones", async () => {
      const [all, some] = await library('admin', adminAp.password, [
        { method: 'wp.getOptions' },
        { method: 'wp.getOptions', args: [['software_version', 'blog_title', 'no_such_option']] },
      ]);
      const options = all!.value as Record<
        string,
        { desc: string; readonly: boolean; value: unknown }
      >;
      for (const name of [
        'software_name',
        'software_version',
        'blog_url',
        'home_url',
        'login_url',
        'admin_url',
        'image_default_link_type',
        'image_default_size',
        'image_default_align',
        'blog_title',
        'blog_tagline',
        'date_format',
        'time_format',
        'users_can_register',
        'thumbnail_size_w',
        'thumbnail_size_h',
        'medium_size_w',
        'medium_size_h',
        'large_size_w',
        'large_size_h',
        'default_comment_status',
        'default_ping_status',
        'time_zone',
      ]) {
        expect(Object.keys(options[name]!).sort(), name).toEqual(['desc', 'readonly', 'value']);
        expect(typeof options[name]!.desc, name).toBe('string');
        expect(typeof options[name]!.readonly, name).toBe('boolean');
      }
      expect(options.software_name).toEqual({
        desc: 'Software Name',
        readonly: true,
        value: 'WordPress',
      });
      expect(options.software_version!.value).toBe('6.1.9');
      expect(options.blog_url!.value).toBe(server.url);
      expect(options.home_url!.value).toBe(server.url);
      expect(options.login_url!.value).toBe(`${server.url}/login`);
      expect(options.blog_title).toEqual({
        desc: 'Site Title',
        readonly: false,
        value: 'Latchkey',
      });
      expect(options.blog_tagline!.readonly).toBe(false);
      expect(options.time_zone).toEqual({ desc: 'Time Zone', readonly: false, value: '0' });
      // WordPress lets an administrator change it; Latchkey has no such setting.
      expect(options.date_format).toEqual({ desc: 'Date Format', readonly: true, value: 'F j, Y' });
      expect(options.default_comment_status!.value).toBe('open');
      expect(Object.keys(some!.value)).toEqual(['software_version', 'blog_title']);

      const [asAuthor] = await library('writer', authorAp.password, [{ method: 'wp.getOptions' }]);
      const authorOptions = asAuthor!.value as Record<string, { readonly: boolean }>;
      expect(Object.values(authorOptions).every((o) => o.readonly)).toBe(true);
      expect(await rpcFault(server, 'wp.getOptions', 1, 'admin', contentAp.password)).toEqual(
        SCOPE_FAULT,
      );
    });

    it('writes title, tagline and time zone through the site settings, audited; skips the read-only', async () => {
      try {
        const [set] = await library('admin', adminAp.password, [
          {
            method: 'wp.setOptions',
            args: [
              {
                blog_title: 'Renamed over XML-RPC',
                blog_tagline: 'A tagline',
                time_zone: 'America/Bogota',
                date_format: 'Y-m-d',
                no_such_option: 'x',
              },
            ],
          },
        ]);
        expect(set!.value).toEqual({
          blog_title: { desc: 'Site Title', readonly: false, value: 'Renamed over XML-RPC' },
          blog_tagline: { desc: 'Site Tagline', readonly: false, value: 'A tagline' },
          time_zone: { desc: 'Time Zone', readonly: false, value: '-5' },
          date_format: { desc: 'Date Format', readonly: true, value: 'F j, Y' },
        });
        const settings = await readSettings(db());
        expect(settings).toMatchObject({
          title: 'Renamed over XML-RPC',
          description: 'A tagline',
          timezone: 'America/Bogota',
        });
        const { events } = await listAuditEvents(db(), {
          credential: `app_password:${adminAp.uuid}`,
          page: 1,
          perPage: 10,
        });
        expect(events.find((e) => e.event === 'settings.changed')?.details).toMatchObject({
          changed: ['title', 'description', 'timezone'],
        });

        // The offset read back is no change; 0 is UTC; another fixed offset has no zone.
        const [same, utc, fixed, empty] = await library('admin', adminAp.password, [
          { method: 'wp.setOptions', args: [{ time_zone: '-5' }] },
          { method: 'wp.setOptions', args: [{ time_zone: 0 }] },
          { method: 'wp.setOptions', args: [{ time_zone: '-3' }] },
          { method: 'wp.setOptions', args: [{ blog_title: '   ' }] },
        ]);
        expect(same!.value.time_zone.value).toBe('-5');
        expect(utc!.value.time_zone.value).toBe('0');
        expect((await readSettings(db())).timezone).toBe('UTC');
        expect(fixed!.fault).toBe(-32602);
        expect(fixed!.string).toContain('time_zone takes a time zone name');
        expect(empty).toEqual({
          fault: -32602,
          string:
            'server error. invalid method parameters. Invalid option value (blog_title: title must not be empty.).',
        });
        expect((await readSettings(db())).title).toBe('Renamed over XML-RPC');
      } finally {
        await writeSettings(db(), { title: 'Latchkey', description: 'Authentication for APIs' });
      }
    });

    it('an author cannot set options (fault 403), a content password not at all (401)', async () => {
      expect(
        await rpcFault(server, 'wp.setOptions', 1, 'writer', authorAp.password, {
          blog_title: 'Mine now',
        }),
      ).toEqual({ faultCode: 403, faultString: 'Sorry, you are not allowed to update options.' });
      expect(
        await rpcFault(server, 'wp.setOptions', 1, 'admin', contentAp.password, {
          blog_title: 'Mine now',
        }),
      ).toEqual(SCOPE_FAULT);
      expect((await readSettings(db())).title).toBe('Latchkey');
    });
  });

  describe('post types, taxonomies, statuses, formats and templates', () => {
    it("wp.getPostType(s) with the npm wordpress package: WordPress's member names", async () => {
      const wp = wpClient('admin', adminAp.password);
      const post = await promised((cb) => wp.getPostType('post', cb));
      // The package keeps only the members it knows: each one here has WordPress's name.
      expect(post.value).toMatchObject({
        name: 'post',
        label: 'Posts',
        hierarchical: false,
        public: true,
        showUi: true,
        _builtin: true,
        hasArchive: false,
        mapMetaCap: true,
        taxonomies: ['category', 'post_tag'],
        labels: { name: 'Posts', singularName: 'Post', addNewItem: 'Add New Post' },
        cap: { editPosts: 'edit_posts', publishPosts: 'publish_posts', editPost: 'edit_post' },
      });
      expect(post.value.supports).toMatchObject({ title: true, editor: true, thumbnail: true });
      expect(post.value.supports.comments).toBeUndefined();
      const page = await promised((cb) => wp.getPostType('page', cb));
      expect(page.value).toMatchObject({
        name: 'page',
        hierarchical: true,
        cap: { editPosts: 'edit_pages', readPrivatePosts: 'read_private_pages' },
        labels: { parentItemColon: 'Parent Page:' },
        taxonomies: [],
      });
      expect(await promised((cb) => wp.getPostType('product', cb))).toEqual({
        fault: 403,
        string: 'Invalid post type.',
      });

      const types = await promised((cb) => wp.getPostTypes({}, cb));
      expect(Object.keys(types.value).sort()).toEqual(['attachment', 'page', 'post']);
      const hierarchical = await promised((cb) => wp.getPostTypes({ hierarchical: true }, cb));
      expect(Object.keys(hierarchical.value)).toEqual(['page']);

      const [bare, menu, forReader] = await library('admin', adminAp.password, [
        { method: 'wp.getPostType', args: ['post', []] },
        { method: 'wp.getPostType', args: ['page', ['menu']] },
        { method: 'wp.getPostTypes' },
      ]);
      expect(Object.keys(bare!.value)).toEqual([
        'name',
        'label',
        'hierarchical',
        'public',
        'show_ui',
        '_builtin',
        'has_archive',
        'supports',
      ]);
      expect(menu!.value).toMatchObject({
        menu_position: 20,
        menu_icon: 'dashicons-admin-page',
        show_in_menu: true,
      });
      expect(Object.keys(forReader!.value).sort()).toEqual(['attachment', 'page', 'post']);
      const [none, refused] = await library('reader', subscriberAp.password, [
        { method: 'wp.getPostTypes' },
        { method: 'wp.getPostType', args: ['post'] },
      ]);
      expect(none!.value).toEqual({});
      expect(refused).toEqual({
        fault: 401,
        string: 'Sorry, you are not allowed to edit posts in this post type.',
      });
    });

    it('wp.getTaxonomy(ies): categories and tags; a subscriber sees none', async () => {
      const wp = wpClient('admin', adminAp.password);
      const category = await promised((cb) => wp.getTaxonomy('category', cb));
      expect(category.value).toMatchObject({
        name: 'category',
        label: 'Categories',
        hierarchical: true,
        public: true,
        showUi: true,
        objectType: ['post'],
        labels: { name: 'Categories', singularName: 'Category', parentItem: 'Parent Category' },
        cap: { manageTerms: 'manage_categories', assignTerms: 'assign_categories' },
      });
      const all = await promised((cb) => wp.getTaxonomies(cb));
      expect(all.value.map((t: { name: string }) => t.name)).toEqual(['category', 'post_tag']);
      expect(all.value[1]).toMatchObject({ hierarchical: false, labels: { name: 'Tags' } });
      expect(await promised((cb) => wp.getTaxonomy('post_format', cb))).toEqual({
        fault: 403,
        string: 'Invalid taxonomy.',
      });
      const [none, refused] = await library('reader', subscriberAp.password, [
        { method: 'wp.getTaxonomies' },
        { method: 'wp.getTaxonomy', args: ['category'] },
      ]);
      expect(none!.value).toEqual([]);
      expect(refused).toEqual({
        fault: 401,
        string: 'Sorry, you are not allowed to assign terms in this taxonomy.',
      });
    });

    it('status lists, formats and page templates, with WordPress’s fault 403 for those who may not', async () => {
      const [posts, pages, templates, formats, supported] = await library(
        'admin',
        adminAp.password,
        [
          { method: 'wp.getPostStatusList' },
          { method: 'wp.getPageStatusList' },
          { method: 'wp.getPageTemplates' },
          { method: 'wp.getPostFormats' },
          { method: 'wp.getPostFormats', args: [{ 'show-supported': true }] },
        ],
      );
      expect(posts!.value).toEqual({
        draft: 'Draft',
        pending: 'Pending Review',
        private: 'Private',
        publish: 'Published',
      });
      expect(pages!.value).toEqual({ draft: 'Draft', private: 'Private', publish: 'Published' });
      expect(templates!.value).toEqual({ Default: 'default' });
      expect(formats!.value).toMatchObject({
        standard: 'Standard',
        aside: 'Aside',
        video: 'Video',
      });
      expect(Object.keys(formats!.value)).toHaveLength(10);
      expect(supported!.value.all).toEqual(formats!.value);
      expect(supported!.value.supported).toContain('gallery');
      expect(supported!.value.supported).not.toContain('standard');

      expect(
        await rpcFault(server, 'wp.getPostStatusList', 1, 'reader', subscriberAp.password),
      ).toEqual(NO_DETAILS);
      expect(
        await rpcFault(server, 'wp.getPostFormats', 1, 'reader', subscriberAp.password),
      ).toEqual(NO_DETAILS);
      // Authors may not edit pages.
      expect(
        await rpcFault(server, 'wp.getPageStatusList', 1, 'writer', authorAp.password),
      ).toEqual(NO_DETAILS);
      expect(await rpcFault(server, 'wp.getPageTemplates', 1, 'writer', authorAp.password)).toEqual(
        NO_DETAILS,
      );
    });
  });

  describe('terms', () => {
    it('newTerm, getTerm, getTerms, editTerm, deleteTerm with the npm wordpress package', async () => {
      const wp = wpClient('admin', adminAp.password);
      const created = await promised((cb) =>
        wp.newTerm({ name: 'Jazz', taxonomy: 'category', description: 'Music' }, cb),
      );
      const id = created.value as string;
      expect(id).toMatch(/^\d+$/);
      const term = await promised((cb) => wp.getTerm('category', id, cb));
      expect(term.value).toEqual({
        termId: id,
        name: 'Jazz',
        slug: 'jazz',
        taxonomy: 'category',
        description: 'Music',
        parent: '0',
        count: 0,
        termTaxonomyId: id,
      });
      const child = await promised((cb) =>
        wp.newTerm({ name: 'Bebop', taxonomy: 'category', parent: Number(id) }, cb),
      );
      expect((await promised((cb) => wp.getTerm('category', child.value, cb))).value.parent).toBe(
        id,
      );
      const found = await promised((cb) => wp.getTerms('category', { search: 'jaz' }, cb));
      expect(found.value.map((t: { name: string }) => t.name)).toEqual(['Jazz']);
      const one = await promised((cb) => wp.getTerms('category', { number: 1 }, cb));
      expect(one.value).toHaveLength(1);
      const everything = await promised((cb) => wp.getTerms('category', {}, cb));
      expect(everything.value.map((t: { name: string }) => t.name)).toEqual(
        expect.arrayContaining(['Bebop', 'Jazz', 'Uncategorized']),
      );

      expect(
        (
          await promised((cb) =>
            wp.editTerm(id, { taxonomy: 'category', name: 'Jazz & Blues' }, cb),
          )
        ).value,
      ).toBe(true);
      expect((await promised((cb) => wp.getTerm('category', id, cb))).value.name).toBe(
        'Jazz & Blues',
      );
      expect((await promised((cb) => wp.deleteTerm('category', id, cb))).value).toBe(true);
      expect(await promised((cb) => wp.getTerm('category', id, cb))).toEqual({
        fault: 404,
        string: 'Invalid term ID.',
      });
      // Its child moved up to the top.
      expect((await promised((cb) => wp.getTerm('category', child.value, cb))).value.parent).toBe(
        '0',
      );

      const [raw] = await library('admin', adminAp.password, [
        { method: 'wp.getTerm', args: ['category', 1] },
      ]);
      expect(Object.keys(raw!.value)).toEqual([
        'term_id',
        'name',
        'slug',
        'term_group',
        'term_taxonomy_id',
        'taxonomy',
        'description',
        'parent',
        'count',
        'filter',
        'custom_fields',
      ]);
    });

    it("WordPress's faults: bad taxonomy 403, not found 404, not permitted 401, errors 500", async () => {
      const creds = asAdmin();
      const fault = (faultCode: number, faultString: string) => ({ faultCode, faultString });
      expect(await rpcFault(server, 'wp.getTerms', 1, ...creds, 'genre')).toEqual(
        fault(403, 'Invalid taxonomy.'),
      );
      expect(await rpcFault(server, 'wp.newTerm', 1, ...creds, { name: 'x' })).toEqual(
        fault(403, 'Invalid taxonomy.'),
      );
      expect(
        await rpcFault(server, 'wp.newTerm', 1, ...creds, { name: ' ', taxonomy: 'post_tag' }),
      ).toEqual(fault(403, 'The term name cannot be empty.'));
      expect(
        await rpcFault(server, 'wp.newTerm', 1, ...creds, {
          name: 'Child tag',
          taxonomy: 'post_tag',
          parent: 1,
        }),
      ).toEqual(fault(403, 'This taxonomy is not hierarchical.'));
      expect(
        await rpcFault(server, 'wp.newTerm', 1, ...creds, {
          name: 'Orphan',
          taxonomy: 'category',
          parent: 99999,
        }),
      ).toEqual(fault(403, 'Parent term does not exist.'));
      expect(
        await rpcFault(server, 'wp.newTerm', 1, ...creds, {
          name: 'Uncategorized',
          taxonomy: 'category',
        }),
      ).toEqual(fault(500, 'A term with the name provided already exists with this parent.'));
      expect(await rpcFault(server, 'wp.getTerm', 1, ...creds, 'category', 99999)).toEqual(
        fault(404, 'Invalid term ID.'),
      );
      expect(
        await rpcFault(server, 'wp.editTerm', 1, ...creds, 99999, { taxonomy: 'category' }),
      ).toEqual(fault(404, 'Invalid term ID.'));
      expect(await rpcFault(server, 'wp.deleteTerm', 1, ...creds, 'category', 1)).toEqual(
        fault(401, 'Sorry, you are not allowed to delete this term.'),
      );
      expect(
        await rpcFault(server, 'wp.newTerm', 1, 'writer', authorAp.password, {
          name: 'Mine',
          taxonomy: 'category',
        }),
      ).toEqual(fault(401, 'Sorry, you are not allowed to create terms in this taxonomy.'));
      expect(
        await rpcFault(server, 'wp.editTerm', 1, 'writer', authorAp.password, 1, {
          taxonomy: 'category',
          name: 'Renamed',
        }),
      ).toEqual(fault(401, 'Sorry, you are not allowed to edit this term.'));
      expect(
        await rpcFault(server, 'wp.getTerms', 1, 'reader', subscriberAp.password, 'category'),
      ).toEqual(fault(401, 'Sorry, you are not allowed to assign terms in this taxonomy.'));
      expect(
        await rpcFault(server, 'wp.getTerm', 1, 'reader', subscriberAp.password, 'category', 1),
      ).toEqual(fault(401, 'Sorry, you are not allowed to assign this term.'));
    });

    it('wp.deleteCategory and wp.suggestCategories', async () => {
      const creds = asAdmin();
      const id = await rpcValue(server, 'wp.newCategory', 1, ...creds, { name: 'Doomed' });
      expect(await rpcValue(server, 'wp.suggestCategories', 1, ...creds, 'doom', 5)).toEqual([
        { category_id: id, category_name: 'Doomed' },
      ]);
      expect(
        await rpcFault(server, 'wp.deleteCategory', 1, 'writer', authorAp.password, id),
      ).toEqual({
        faultCode: 401,
        faultString: 'Sorry, you are not allowed to delete this category.',
      });
      expect(await rpcValue(server, 'wp.deleteCategory', 1, ...creds, id)).toBe(true);
      expect(await rpcValue(server, 'wp.suggestCategories', 1, ...creds, 'doom', 5)).toEqual([]);
      for (const missing of [id, 1])
        expect(await rpcFault(server, 'wp.deleteCategory', 1, ...creds, missing)).toEqual({
          faultCode: 401,
          faultString: 'Sorry, you are not allowed to delete this category.',
        });
      expect(
        await rpcFault(server, 'wp.suggestCategories', 1, 'reader', subscriberAp.password, 'u', 5),
      ).toEqual({
        faultCode: 401,
        faultString:
          'Sorry, you must be able to edit posts on this site in order to view categories.',
      });
    });
  });

  describe('media', () => {
    const upload = (user: string, password: string, name: string) =>
      rpcValue(server, 'wp.uploadFile', 1, user, password, {
        name: `${name}.png`,
        type: 'image/png',
        bits: PNG,
      });

    it('getMediaItem and getMediaLibrary with the npm wordpress package', async () => {
      const wp = wpClient('admin', adminAp.password);
      const upload = await promised((cb) =>
        wp.uploadFile({ name: 'library.png', type: 'image/png', bits: PNG }, cb),
      );
      const id = upload.value.attachment_id as string;
      const item = await promised((cb) => wp.getMediaItem(id, cb));
      expect(item.value).toMatchObject({
        attachmentId: id,
        title: 'library',
        type: 'image/png',
        parent: 0,
        link: upload.value.url,
        thumbnail: upload.value.url,
        metadata: { width: 1, height: 1, sizes: {} },
      });
      expect(item.value.date).toBeInstanceOf(Date);
      const items = await promised((cb) => wp.getMediaLibrary({}, cb));
      expect(items.value.map((m: { attachmentId: string }) => m.attachmentId)).toContain(id);
      const images = await promised((cb) => wp.getMediaLibrary({ mime_type: 'image' }, cb));
      expect(images.value.map((m: { attachmentId: string }) => m.attachmentId)).toContain(id);
      const pdfs = await promised((cb) => wp.getMediaLibrary({ mime_type: 'application/pdf' }, cb));
      expect(pdfs.value).toEqual([]);
      const first = await promised((cb) => wp.getMediaLibrary({ number: 1 }, cb));
      expect(first.value).toHaveLength(1);

      expect(await promised((cb) => wp.getMediaItem(99999, cb))).toEqual({
        fault: 404,
        string: 'Invalid attachment ID.',
      });
      const reader = wpClient('reader', subscriberAp.password);
      expect(await promised((cb) => reader.getMediaItem(id, cb))).toEqual({
        fault: 403,
        string: 'Sorry, you are not allowed to upload files.',
      });
      expect(await promised((cb) => reader.getMediaLibrary({}, cb))).toEqual({
        fault: 401,
        string: 'Sorry, you are not allowed to upload files.',
      });
    });

    it('wp.deletePost on an attachment deletes it and its file, as WordPress does', async () => {
      const up = await upload('admin', adminAp.password, 'doomed');
      expect((await fetch(up.url)).status).toBe(200);
      const [refused] = await library('writer', authorAp.password, [
        { method: 'wp.deletePost', args: [Number(up.id)] },
      ]);
      expect(refused).toEqual({
        fault: 401,
        string: 'Sorry, you are not allowed to delete this post.',
      });
      const [deleted, again, item] = await library('admin', adminAp.password, [
        { method: 'wp.deletePost', args: [Number(up.id)] },
        { method: 'wp.deletePost', args: [Number(up.id)] },
        { method: 'wp.getMediaItem', args: [Number(up.id)] },
      ]);
      expect(deleted).toEqual({ value: true });
      expect(again).toEqual({ fault: 404, string: 'Invalid post ID.' });
      expect(item).toEqual({ fault: 404, string: 'Invalid attachment ID.' });
      expect(await findMedia(db(), Number(up.id))).toBeUndefined();
      expect((await fetch(up.url)).status).toBe(404);

      // The wordpress package's deletePost, on an author's own upload.
      const own = await upload('writer', authorAp.password, 'own');
      const wp = wpClient('writer', authorAp.password);
      expect((await promised((cb) => wp.deletePost(own.id, cb))).value).toBe(true);
      expect(await findMedia(db(), Number(own.id))).toBeUndefined();
    });

    it('posts, pages and attachments share one id space, so wp.deletePost of an id means one thing', async () => {
      const creds = asAdmin();
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(Number(await rpcValue(server, 'wp.newPost', 1, ...creds, { post_title: 'One' })));
        ids.push(Number((await upload('admin', adminAp.password, `one-${i}`)).id));
        ids.push(
          Number(
            await rpcValue(server, 'wp.newPost', 1, ...creds, {
              post_type: 'page',
              post_title: 'Page',
            }),
          ),
        );
      }
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
      // The attachment's id names no post: deleting it deletes the file and leaves posts alone.
      const mediaId = ids[4]!;
      expect(await findPost(db(), mediaId)).toBeUndefined();
      expect(await rpcValue(server, 'wp.deletePost', 1, ...creds, mediaId)).toBe(true);
      expect(await findMedia(db(), mediaId)).toBeUndefined();
      for (const postId of [ids[3]!, ids[5]!]) {
        const post = await findPost(db(), postId);
        expect(post?.status, `post ${postId}`).toBe('draft');
      }
    });
  });

  describe('users and profiles', () => {
    it('wp.getUser and wp.getUsers: the fields asked for, edit_user and list_users', async () => {
      const [writer, basic, missing, users, authors, page, badRole] = await library(
        'admin',
        adminAp.password,
        [
          { method: 'wp.getUser', args: [author.id] },
          { method: 'wp.getUser', args: [author.id, ['basic']] },
          { method: 'wp.getUser', args: [99999] },
          { method: 'wp.getUsers' },
          { method: 'wp.getUsers', args: [{ role: 'author' }, ['username']] },
          { method: 'wp.getUsers', args: [{ number: 1, offset: 1, orderby: 'ID' }, ['username']] },
          { method: 'wp.getUsers', args: [{ role: 'emperor' }] },
        ],
      );
      expect(writer!.value).toEqual({
        user_id: String(author.id),
        username: 'writer',
        first_name: '',
        last_name: '',
        registered: expect.stringMatching(/^\d{8}T\d{2}:\d{2}:\d{2}$/),
        bio: '',
        email: 'writer@example.com',
        nickname: 'writer',
        nicename: 'writer',
        url: '',
        display_name: 'writer',
        roles: ['author'],
      });
      expect(Object.keys(basic!.value).sort()).toEqual(
        ['display_name', 'email', 'nicename', 'registered', 'user_id', 'username'].sort(),
      );
      expect(missing).toEqual({ fault: 404, string: 'Invalid user ID.' });
      expect(users!.value.map((u: { username: string }) => u.username).sort()).toEqual(
        ['admin', 'helper', 'reader', 'writer'].sort(),
      );
      expect(authors!.value).toEqual([{ user_id: String(author.id), username: 'writer' }]);
      expect(page!.value).toEqual([{ user_id: String(author.id), username: 'writer' }]);
      expect(badRole).toEqual({ fault: 403, string: 'Invalid role.' });

      const [self, other, list, gone] = await library('writer', authorAp.password, [
        { method: 'wp.getUser', args: [author.id, ['username']] },
        { method: 'wp.getUser', args: [admin.id] },
        { method: 'wp.getUsers' },
        { method: 'wp.getUser', args: [99999] },
      ]);
      expect(self!.value).toEqual({ user_id: String(author.id), username: 'writer' });
      expect(other).toEqual({
        fault: 401,
        string: 'Sorry, you are not allowed to edit this user.',
      });
      expect(list).toEqual({ fault: 401, string: 'Sorry, you are not allowed to list users.' });
      expect(gone).toEqual({ fault: 401, string: 'Sorry, you are not allowed to edit this user.' });
      for (const method of ['wp.getUser', 'wp.getUsers'])
        expect(await rpcFault(server, method, 1, 'admin', contentAp.password, admin.id)).toEqual(
          SCOPE_FAULT,
        );
    });

    it('wp.editProfile changes the profile; an application password never its email or password', async () => {
      const [edited, profile] = await library('writer', authorAp.password, [
        {
          method: 'wp.editProfile',
          args: [
            {
              first_name: 'Wren',
              last_name: '<b>Writer</b>',
              display_name: 'Wren W.',
              nickname: 'wren',
              nicename: 'ignored',
              url: 'https://wren.example.com/',
              bio: 'Writes <em>things</em>.<script>alert(1)</script>',
              // Its own address, in other letters: not a change.
              email: 'WRITER@example.com',
            },
          ],
        },
        { method: 'wp.getProfile' },
      ]);
      expect(edited).toEqual({ value: true });
      expect(profile!.value).toMatchObject({
        username: 'writer',
        first_name: 'Wren',
        last_name: 'Writer',
        display_name: 'Wren W.',
        nickname: 'wren',
        nicename: 'writer',
        url: 'https://wren.example.com/',
        bio: 'Writes <em>things</em>.',
        email: 'writer@example.com',
      });

      const before = (await findUserById(db(), author.id))!;
      const refused = await library('writer', authorAp.password, [
        { method: 'wp.editProfile', args: [{ email: 'thief@example.com' }] },
        { method: 'wp.editProfile', args: [{ display_name: 'x', password: 'weN-Pass-1234' }] },
        { method: 'wp.editProfile', args: [{ user_pass: 'weN-Pass-1234' }] },
        { method: 'wp.editProfile', args: [{ user_email: 'thief@example.com' }] },
      ]);
      expect(refused).toEqual([
        INTERACTIVE_ONLY,
        INTERACTIVE_ONLY,
        INTERACTIVE_ONLY,
        INTERACTIVE_ONLY,
      ]);
      // The administrator's own password, whatever its scope, may not either.
      expect(
        await rpcFault(server, 'wp.editProfile', 1, 'admin', adminAp.password, {
          email: 'new-admin@example.com',
        }),
      ).toEqual({ faultCode: 403, faultString: 'This change needs an interactive sign-in.' });
      const after = (await findUserById(db(), author.id))!;
      expect(after.email).toBe(before.email);
      expect(after.passwordHash).toBe(before.passwordHash);
      expect(after.displayName).toBe('Wren W.');

      // With the account password, WordPress's editProfile leaves email and password alone.
      expect(
        await rpcValue(server, 'wp.editProfile', 1, 'admin', ADMIN_PASSWORD, {
          email: 'elsewhere@example.com',
          display_name: 'The Admin',
        }),
      ).toBe(true);
      const adminNow = (await findUserById(db(), admin.id))!;
      expect(adminNow.email).toBe(admin.email);
      expect(adminNow.displayName).toBe('The Admin');

      expect(
        await rpcFault(server, 'wp.editProfile', 1, 'writer', authorAp.password, {
          url: 'javascript:alert(1)',
        }),
      ).toMatchObject({ faultCode: -32602 });
      expect(
        await rpcFault(server, 'wp.editProfile', 1, 'admin', contentAp.password, {
          display_name: 'Scoped',
        }),
      ).toEqual(SCOPE_FAULT);
      expect(
        await rpcValue(server, 'wp.editProfile', 1, 'reader', subscriberAp.password, {
          first_name: 'Rita',
        }),
      ).toBe(true);
    });
  });

  describe('Blogger and Movable Type', () => {
    it('blogger.newPost, getPost, editPost, getRecentPosts; metaWeblog.getUsersBlogs', async () => {
      const creds = asAdmin();
      const category = await rpcValue(server, 'wp.newCategory', 1, ...creds, { name: 'Blogged' });
      const id = await rpcValue(
        server,
        'blogger.newPost',
        'appkey',
        1,
        ...creds,
        `<title>From Blogger</title><category>${category}</category>Body <b>text</b>`,
        true,
      );
      expect(typeof id).toBe('number');
      const [got, recent, blogs] = await pythonXmlRpc(xmlrpcUrl(), [
        ['blogger.getPost', ['appkey', id, ...creds]],
        ['blogger.getRecentPosts', ['appkey', 1, ...creds, 50]],
        ['metaWeblog.getUsersBlogs', ['appkey', ...creds]],
      ]);
      expect(got!.value).toEqual({
        userid: String(admin.id),
        dateCreated: expect.stringMatching(/^\d{8}T\d{2}:\d{2}:\d{2}$/),
        content: `<title>From Blogger</title><category>${category}</category>Body <b>text</b>`,
        postid: String(id),
      });
      expect(recent!.value.map((p: { postid: string }) => p.postid)).toContain(String(id));
      expect(blogs!.value).toEqual([
        {
          isAdmin: true,
          url: `${server.url}/`,
          blogid: '1',
          blogName: 'Latchkey',
          xmlrpc: `${server.url}/xmlrpc.php`,
        },
      ]);

      expect(
        await rpcValue(
          server,
          'blogger.editPost',
          'appkey',
          id,
          ...creds,
          'Just a new body',
          false,
        ),
      ).toBe(true);
      const post = (await findPost(db(), id))!;
      expect(post).toMatchObject({ title: '', content: 'Just a new body', status: 'draft' });
      const edited = await rpcValue(server, 'blogger.getPost', 'appkey', id, ...creds);
      // Without a <category>, the categories stay.
      expect(edited.content).toBe(`<title></title><category>${category}</category>Just a new body`);

      const page = await rpcValue(server, 'wp.newPage', 1, ...creds, { title: 'A page' }, true);
      expect(
        await rpcFault(server, 'blogger.editPost', 'appkey', page, ...creds, 'x', false),
      ).toEqual({ faultCode: 404, faultString: 'Sorry, no such post.' });
      expect(await rpcFault(server, 'blogger.getPost', 'appkey', 99999, ...creds)).toEqual({
        faultCode: 404,
        faultString: 'Invalid post ID.',
      });
    });

    it('a contributor may write drafts over Blogger but not publish them', async () => {
      const creds = ['helper', contributorAp.password] as const;
      expect(
        await rpcFault(server, 'blogger.newPost', '', 1, ...creds, '<title>t</title>body', true),
      ).toEqual({
        faultCode: 401,
        faultString: 'Sorry, you are not allowed to post on this site.',
      });
      const draft = await rpcValue(server, 'blogger.newPost', '', 1, ...creds, 'a draft', false);
      expect((await findPost(db(), draft))!.status).toBe('draft');
      expect(
        await rpcFault(server, 'blogger.editPost', '', draft, ...creds, 'published?', true),
      ).toEqual({
        faultCode: 401,
        faultString: 'Sorry, you are not allowed to publish this post.',
      });
      expect(await rpcFault(server, 'mt.publishPost', draft, ...creds)).toEqual({
        faultCode: 401,
        faultString: 'Sorry, you are not allowed to publish this post.',
      });
      const admins = await rpcValue(server, 'blogger.getPost', '', draft, ...asAdmin());
      expect(admins.content).toContain('a draft');
      expect(
        await rpcFault(server, 'blogger.getPost', '', draft, 'writer', authorAp.password),
      ).toEqual({ faultCode: 401, faultString: 'Sorry, you are not allowed to edit this post.' });
    });

    it('mt.getRecentPostTitles, mt.publishPost, mt.getTrackbackPings, mt.supportedTextFilters', async () => {
      const creds = asAdmin();
      const id = Number(
        await rpcValue(server, 'wp.newPost', 1, ...creds, {
          post_title: 'Movable draft',
          post_content: 'x',
        }),
      );
      const [titles, notYet, published, pings, filters] = await pythonXmlRpc(xmlrpcUrl(), [
        ['mt.getRecentPostTitles', [1, ...creds, 100]],
        ['mt.getTrackbackPings', [id]],
        ['mt.publishPost', [id, ...creds]],
        ['mt.getTrackbackPings', [id]],
        ['mt.supportedTextFilters', []],
      ]);
      const entry = titles!.value.find((t: { postid: string }) => t.postid === String(id));
      expect(Object.keys(entry)).toEqual([
        'dateCreated',
        'userid',
        'postid',
        'title',
        'post_status',
        'date_created_gmt',
      ]);
      expect(entry).toMatchObject({ title: 'Movable draft', post_status: 'draft', userid: '1' });
      // A draft is no post to the public.
      expect(notYet).toEqual({ fault: 404, string: 'Sorry, no such post.' });
      expect(published).toEqual({ value: id });
      expect((await findPost(db(), id))!.status).toBe('publish');
      expect(pings).toEqual({ value: [] });
      expect(filters).toEqual({ value: [] });
      expect(await rpcFault(server, 'mt.publishPost', 99999, ...creds)).toEqual({
        faultCode: 404,
        faultString: 'Invalid post ID.',
      });
    });
  });

  describe('comments and revisions (Latchkey keeps neither)', () => {
    it('reads answer as a site without comments; writes are fault 405', async () => {
      const post = Number(
        await rpcValue(server, 'wp.newPost', 1, ...asAdmin(), {
          post_title: 'Commentable',
          post_status: 'publish',
        }),
      );
      const results = await library('admin', adminAp.password, [
        { method: 'wp.getComments', args: [{ post_id: post }] },
        { method: 'wp.getCommentCount', args: [post] },
        { method: 'wp.getCommentStatusList' },
        { method: 'wp.getComment', args: [1] },
        { method: 'wp.newComment', args: [post, { content: 'Hello' }] },
        { method: 'wp.editComment', args: [1, { content: 'Edited' }] },
        { method: 'wp.deleteComment', args: [1] },
        { method: 'wp.getCommentCount', args: [99999] },
      ]);
      const unsupported = { fault: 405, string: 'Comments are not supported.' };
      expect(results).toEqual([
        { value: [] },
        { value: { approved: 0, awaiting_moderation: 0, spam: 0, total_comments: 0 } },
        { value: { hold: 'Unapproved', approve: 'Approved', spam: 'Spam', trash: 'Trash' } },
        { fault: 404, string: 'Invalid comment ID.' },
        unsupported,
        unsupported,
        unsupported,
        { fault: 404, string: 'Invalid post ID.' },
      ]);

      const asAuthor = await library('writer', authorAp.password, [
        { method: 'wp.getComments' },
        { method: 'wp.getComments', args: [{ status: 'approve' }] },
        { method: 'wp.getCommentCount', args: [post] },
        { method: 'wp.newComment', args: [post, { content: 'Hello' }] },
      ]);
      expect(asAuthor).toEqual([
        { fault: 401, string: 'Invalid comment status.' },
        { value: [] },
        { fault: 403, string: 'Sorry, you are not allowed to access details of this post.' },
        unsupported,
      ]);
      expect(
        await rpcFault(server, 'wp.getCommentStatusList', 1, 'helper', contributorAp.password),
      ).toEqual(NO_DETAILS);
      // Comments are content: a content password gets the same answers.
      expect(
        await rpcValue(server, 'wp.getCommentCount', 1, 'admin', contentAp.password, post),
      ).toMatchObject({ total_comments: 0 });
    });

    it('wp.getRevisions is [] for a post one may edit; wp.restoreRevision finds none', async () => {
      const post = Number(
        await rpcValue(server, 'wp.newPost', 1, ...asAdmin(), { post_title: 'Revised' }),
      );
      const results = await library('admin', adminAp.password, [
        { method: 'wp.getRevisions', args: [post] },
        { method: 'wp.getRevisions', args: [post, ['post_title']] },
        { method: 'wp.getRevisions', args: [99999] },
        { method: 'wp.restoreRevision', args: [post] },
      ]);
      expect(results).toEqual([
        { value: [] },
        { value: [] },
        { fault: 404, string: 'Invalid post ID.' },
        { fault: 404, string: 'Invalid post ID.' },
      ]);
      expect(
        await rpcFault(server, 'wp.getRevisions', 1, 'writer', authorAp.password, post),
      ).toEqual({
        faultCode: 401,
        faultString: 'Sorry, you are not allowed to edit posts.',
      });
    });
  });

  it('wrong parameter types are faults, never a server error', async () => {
    const creds = asAdmin();
    const calls: Array<[string, unknown[]]> = [
      ['wp.getTerm', [1, ...creds, 'category', 'not-an-id']],
      ['wp.getTerms', [1, ...creds, 'category', 'not a struct']],
      ['wp.newTerm', [1, ...creds, ['not', 'a', 'struct']]],
      ['wp.getUsers', [1, ...creds, {}, 'not a list']],
      ['wp.getPostType', [1, ...creds, 'post', 'not a list']],
      ['wp.getOptions', [1, ...creds, { not: 'a list' }]],
      ['wp.setOptions', [1, ...creds, 'not a struct']],
      ['wp.editProfile', [1, ...creds, { bio: ['not', 'text'] }]],
      ['wp.getMediaLibrary', [1, ...creds, { number: 'many' }]],
      ['blogger.newPost', ['', 1, ...creds, { not: 'text' }, true]],
      ['mt.getTrackbackPings', ['nope']],
      ['wp.suggestCategories', [1, ...creds, ['x'], 5]],
    ];
    const results = await pythonXmlRpc(xmlrpcUrl(), calls);
    for (const [i, result] of results.entries())
      expect(result.fault, `${calls[i]![0]}: ${JSON.stringify(result)}`).toBe(-32602);
  });

  // Last: it calls every method, writes included, with junk.
  it('every method answers junk parameters with a value or a fault of its own, never -32603', async () => {
    const calls: Array<[string, unknown[]]> = [];
    for (const [name, method] of Object.entries(XMLRPC_METHODS)) {
      const length = method.credentials
        ? Math.max(method.minArgs, method.credentials.password + 1) + 1
        : method.minArgs + 1;
      for (const junk of [1, 'x', true]) {
        const params: unknown[] = Array.from({ length }, () => junk);
        if (method.credentials) {
          params[method.credentials.user] = 'admin';
          params[method.credentials.password] = adminAp.password;
        }
        calls.push([name, params]);
      }
    }
    const results = await pythonXmlRpc(xmlrpcUrl(), calls);
    expect(results).toHaveLength(calls.length);
    for (const [i, result] of results.entries())
      expect(result.fault, `${calls[i]![0]}(${JSON.stringify(calls[i]![1][0])})`).not.toBe(-32603);
  });
});
