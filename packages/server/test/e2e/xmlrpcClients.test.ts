import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/index.js';
import { findUserByLoginOrEmail } from '../../src/accounts/index.js';
import { makeApplicationPassword } from '../helpers/appPasswords.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { enableTotp } from '../helpers/twoFactor.js';
import { pythonXmlRpc } from '../helpers/xmlrpc.js';

/**
 * Real XML-RPC clients against the real HTTP server: Python's standard `xmlrpc.client`, the npm
 * `xmlrpc` package, and the npm `wordpress` package (which desktop tooling and scripts use).
 */

const require = createRequire(import.meta.url);

type Callback = (
  error: (Error & { code?: number; faultString?: string }) | null,
  value?: unknown,
) => void;
interface NpmXmlRpcClient {
  methodCall(method: string, params: unknown[], callback: Callback): void;
}
const npmXmlrpc = require('xmlrpc') as {
  createClient(options: { url: string }): NpmXmlRpcClient;
};
interface WordPressClient {
  call(method: string, ...args: unknown[]): void;
  authenticatedCall(method: string, ...args: unknown[]): void;
  newPost(data: Record<string, unknown>, fn: Callback): void;
  getPost(id: string, fn: Callback): void;
  getPosts(filter: Record<string, unknown>, fn: Callback): void;
  editPost(id: string, data: Record<string, unknown>, fn: Callback): void;
  deletePost(id: string, fn: Callback): void;
  uploadFile(data: Record<string, unknown>, fn: Callback): void;
}
const wordpress = require('wordpress') as {
  createClient(settings: { url: string; username: string; password: string }): WordPressClient;
};

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert the shape
type Outcome = { value?: any; fault?: number; string?: string };

interface Caller {
  name: string;
  call(method: string, params: unknown[]): Promise<Outcome>;
  binary(bytes: Buffer): unknown;
}

const promised = (run: (cb: Callback) => void): Promise<Outcome> =>
  new Promise((resolve, reject) => {
    run((error, value) => {
      if (!error) return resolve({ value });
      if (typeof error.code === 'number' && error.faultString !== undefined)
        return resolve({ fault: error.code, string: error.faultString });
      reject(error);
    });
  });

function callers(url: string): Caller[] {
  const npm = npmXmlrpc.createClient({ url: `${url}/xmlrpc.php` });
  // The wordpress client adds the credentials itself for its own methods; for the generic
  // `call` it is a thin wrapper over npm xmlrpc with WordPress's URL handling.
  const wp = wordpress.createClient({ url, username: 'unused', password: 'unused' });
  return [
    {
      name: 'python xmlrpc.client',
      call: async (method, params) =>
        (await pythonXmlRpc(`${url}/xmlrpc.php`, [[method, params]]))[0]!,
      binary: (bytes) => ({ $binary: bytes.toString('base64') }),
    },
    {
      name: 'npm xmlrpc',
      call: (method, params) => promised((cb) => npm.methodCall(method, params, cb)),
      binary: (bytes) => bytes,
    },
    {
      name: 'npm wordpress',
      call: (method, params) => promised((cb) => wp.call(method, ...params, cb)),
      binary: (bytes) => bytes,
    },
  ];
}

describe.each(STORES)('XML-RPC with real clients, SPEC §8 ($name)', (store) => {
  let server: TestServer;
  let admin: User;
  let ap: { password: string; chunked: string };
  let writer: User;
  let writerAp: { password: string };

  beforeAll(async () => {
    server = await startTestServer({ store });
    admin = (await findUserByLoginOrEmail(server.latchkey.store.db, 'admin'))!;
    ap = await makeApplicationPassword(server, admin.id, 'desktop editor');
    writer = await server.createUser('writer', 'author');
    writerAp = await makeApplicationPassword(server, writer.id, 'writer editor');
    await enableTotp(server, writer);
  });
  afterAll(() => server?.close());

  for (const index of [0, 1, 2]) {
    describe(`client ${['python xmlrpc.client', 'npm xmlrpc', 'npm wordpress'][index]}`, () => {
      let client: Caller;
      beforeAll(() => {
        client = callers(server.url)[index]!;
      });

      it('getUsersBlogs with an application password, with and without spaces', async () => {
        for (const password of [ap.password, ap.chunked]) {
          const result = await client.call('wp.getUsersBlogs', ['admin', password]);
          expect(result.value).toEqual([
            {
              isAdmin: true,
              url: `${server.url}/`,
              blogid: '1',
              blogName: 'Latchkey',
              xmlrpc: `${server.url}/xmlrpc.php`,
            },
          ]);
        }
        const blogger = await client.call('blogger.getUsersBlogs', [
          '0123456789ABCDEF',
          'admin',
          ap.chunked,
        ]);
        expect(blogger.value[0].blogid).toBe('1');
      });

      it('a wrong password is fault 403', async () => {
        const result = await client.call('wp.getUsersBlogs', [
          'admin',
          'AbCd EfGh IjKl MnOp QrSt UvWx',
        ]);
        expect(result).toEqual({ fault: 403, string: 'Incorrect username or password.' });
      });

      it("a two-factor user's account password is refused while the AP works", async () => {
        const refused = await client.call('wp.getUsersBlogs', ['writer', 'retirw-Pass-1234']);
        expect(refused).toEqual({ fault: 403, string: 'Incorrect username or password.' });
        const ok = await client.call('wp.getUsersBlogs', ['writer', writerAp.password]);
        expect(ok.value[0].isAdmin).toBe(false);
      });

      it('the account password of a user without two-factor works (the site allows it)', async () => {
        const ok = await client.call('wp.getUsersBlogs', ['admin', ADMIN_PASSWORD]);
        expect(ok.value[0].isAdmin).toBe(true);
      });

      it('newPost, getPost, editPost, getRecentPosts, deletePost, categories and tags', async () => {
        const creds = ['admin', ap.password];
        const category = `News ${index}`;
        const categoryId = await client.call('wp.newCategory', [1, ...creds, { name: category }]);
        expect(typeof categoryId.value).toBe('number');
        const title = `Hello from client ${index}`;
        const created = await client.call('metaWeblog.newPost', [
          1,
          ...creds,
          {
            title,
            description: 'First paragraph.',
            mt_text_more: 'The rest.',
            categories: [category],
            mt_keywords: `alpha${index}, beta${index}`,
          },
          true,
        ]);
        const id = created.value as string;
        expect(id).toMatch(/^\d+$/);

        const got = await client.call('metaWeblog.getPost', [id, ...creds]);
        expect(got.value).toMatchObject({
          title,
          description: 'First paragraph.',
          mt_text_more: 'The rest.',
          categories: [category],
          mt_keywords: `alpha${index},beta${index}`,
          post_status: 'publish',
          userid: String(admin.id),
        });
        expect(got.value.link).toMatch(new RegExp(`^${server.url}/hello-from-client-${index}/$`));

        const edited = await client.call('metaWeblog.editPost', [
          id,
          ...creds,
          { title: `${title}, edited` },
          true,
        ]);
        expect(edited.value).toBe(true);
        expect((await client.call('metaWeblog.getPost', [id, ...creds])).value.title).toBe(
          `${title}, edited`,
        );

        const recent = await client.call('metaWeblog.getRecentPosts', [1, ...creds, 50]);
        expect(recent.value.map((p: { postid: string }) => p.postid)).toContain(id);

        const postCategories = await client.call('mt.getPostCategories', [id, ...creds]);
        expect(postCategories.value).toEqual([
          { categoryName: category, categoryId: String(categoryId.value), isPrimary: true },
        ]);
        const categories = await client.call('metaWeblog.getCategories', [1, ...creds]);
        expect(categories.value.map((c: { categoryName: string }) => c.categoryName)).toContain(
          category,
        );
        const list = await client.call('mt.getCategoryList', [1, ...creds]);
        expect(list.value.map((c: { categoryName: string }) => c.categoryName)).toContain(category);
        const tags = await client.call('wp.getTags', [1, ...creds]);
        expect(tags.value.map((t: { name: string }) => t.name)).toEqual(
          expect.arrayContaining([`alpha${index}`, `beta${index}`]),
        );

        // Back to Uncategorized through mt.setPostCategories.
        expect(
          (await client.call('mt.setPostCategories', [id, ...creds, [{ categoryId: '1' }]])).value,
        ).toBe(true);
        expect(
          (await client.call('mt.getPostCategories', [id, ...creds])).value[0].categoryName,
        ).toBe('Uncategorized');

        expect((await client.call('metaWeblog.deletePost', ['', id, ...creds, false])).value).toBe(
          true,
        );
        const after = await client.call('metaWeblog.getRecentPosts', [1, ...creds, 50]);
        expect(after.value.map((p: { postid: string }) => p.postid)).not.toContain(id);
      });

      it('newMediaObject answers a url that serves the file', async () => {
        const result = await client.call('metaWeblog.newMediaObject', [
          1,
          'admin',
          ap.password,
          { name: `dot-${index}.png`, type: 'image/png', bits: client.binary(PNG) },
        ]);
        expect(result.value).toMatchObject({ type: 'image/png', title: `dot-${index}` });
        expect(result.value.url).toBe(result.value.link);
        const file = await fetch(result.value.url);
        expect(file.status).toBe(200);
        expect(file.headers.get('content-type')).toBe('image/png');
        expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
      });
    });
  }

  describe("the wordpress package's own wp.* API", () => {
    let wp: WordPressClient;
    beforeAll(() => {
      wp = wordpress.createClient({ url: server.url, username: 'admin', password: ap.chunked });
    });

    it('newPost, getPost, editPost, getPosts, deletePost, terms and uploadFile', async () => {
      const tag = await promised((cb) => wp.authenticatedCall('wp.getTags', cb));
      expect(Array.isArray(tag.value)).toBe(true);
      const created = await promised((cb) =>
        wp.newPost(
          {
            title: 'Via the wordpress package',
            content: 'Body <!--more--> more',
            status: 'publish',
            termNames: { post_tag: ['wp-package'], category: ['Package news'] },
          },
          cb,
        ),
      );
      const id = created.value as string;
      expect(id).toMatch(/^\d+$/);
      const post = await promised((cb) => wp.getPost(id, cb));
      expect(post.value).toMatchObject({
        id,
        title: 'Via the wordpress package',
        status: 'publish',
        type: 'post',
        content: 'Body <!--more--> more',
      });
      expect(post.value.terms.map((t: { name: string }) => t.name).sort()).toEqual([
        'Package news',
        'wp-package',
      ]);
      expect((await promised((cb) => wp.editPost(id, { title: 'Renamed' }, cb))).value).toBe(true);
      expect((await promised((cb) => wp.getPost(id, cb))).value.title).toBe('Renamed');
      const list = await promised((cb) => wp.getPosts({ type: 'post', number: 50 }, cb));
      expect(list.value.map((p: { id: string }) => p.id)).toContain(id);
      expect((await promised((cb) => wp.deletePost(id, cb))).value).toBe(true);
      expect((await promised((cb) => wp.getPost(id, cb))).value.status).toBe('trash');

      const upload = await promised((cb) =>
        wp.uploadFile({ name: 'package.png', type: 'image/png', bits: PNG }, cb),
      );
      const file = await fetch(upload.value.url);
      expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
    });

    it('a wrong password reaches the caller as fault 403', async () => {
      const bad = wordpress.createClient({ url: server.url, username: 'admin', password: 'nope' });
      const result = await promised((cb) => bad.getPosts({}, cb));
      expect(result).toEqual({ fault: 403, string: 'Incorrect username or password.' });
    });
  });
});
