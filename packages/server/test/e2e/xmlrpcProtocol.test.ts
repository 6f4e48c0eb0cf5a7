import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByLoginOrEmail, setUserDisabled, type User } from '../../src/accounts/index.js';
import { createApplicationPassword } from '../../src/app-passwords/index.js';
import { writeSettings } from '../../src/settings/index.js';
import { renderXmlRpcMethodTable } from '../../src/xmlrpc/docs.js';
import { parseMethodResponse } from '../../src/xmlrpc/parse.js';
import { XMLRPC_METHODS } from '../../src/xmlrpc/server.js';
import { newStruct } from '../../src/xmlrpc/values.js';
import { makeApplicationPassword } from '../helpers/appPasswords.js';
import { loadGolden } from '../helpers/golden.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { methodCall, postFault, postXml, rpc, rpcFault, rpcValue } from '../helpers/xmlrpc.js';

const BAD_CREDENTIALS = { faultCode: 403, faultString: 'Incorrect username or password.' };

/** The fault part of a response body, for comparing with WordPress's bytes. */
const faultOf = (body: string) => body.slice(body.indexOf('<methodResponse>')).trim();

const SUITE = 'XML-RPC protocol, safety and credentials, SPEC §1, §5, §8 ($name)';

describe.each(STORES)(SUITE, (store) => {
  let server: TestServer;
  let admin: User;
  let ap: { password: string; chunked: string; uuid: string };
  const db = () => server.latchkey.store.db;

  beforeAll(async () => {
    server = await startTestServer({ store });
    admin = (await findUserByLoginOrEmail(db(), 'admin'))!;
    ap = await makeApplicationPassword(server, admin.id, 'xml-rpc');
  });
  afterAll(() => server?.close());

  describe('endpoint and discovery', () => {
    it('GET is 405 text/plain; ?rsd is the RSD document; / links it', async () => {
      const get = await fetch(`${server.url}/xmlrpc.php`);
      expect(get.status).toBe(405);
      expect(get.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await get.text()).toBe('XML-RPC server accepts POST requests only.');

      const rsd = await fetch(`${server.url}/xmlrpc.php?rsd`);
      expect(rsd.status).toBe(200);
      expect(rsd.headers.get('content-type')).toBe('text/xml; charset=UTF-8');
      const text = await rsd.text();
      for (const name of ['WordPress', 'Movable Type', 'MetaWeblog', 'Blogger'])
        expect(text).toContain(
          `<api name="${name}" blogID="1" preferred="${name === 'WordPress'}" apiLink="${server.url}/xmlrpc.php" />`,
        );
      expect(text).toContain(
        `<api name="WP-API" blogID="1" preferred="false" apiLink="${server.url}/wp-json/" />`,
      );
      const home = await (await fetch(`${server.url}/`)).text();
      expect(home).toContain(
        `<link rel="EditURI" type="application/rsd+xml" title="RSD" href="${server.url}/xmlrpc.php?rsd">`,
      );
    });

    it('answers text/xml, application/xml and bodies without a content type', async () => {
      const body = methodCall('demo.sayHello', []);
      for (const headers of [
        { 'content-type': 'text/xml' },
        { 'content-type': 'application/xml; charset=utf-8' },
        {},
      ] as Array<Record<string, string>>) {
        const r = await postXml(server, Buffer.from(body), headers);
        expect(r.status).toBe(200);
        expect(r.contentType).toBe('text/xml; charset=UTF-8');
        expect(parseMethodResponse(r.text)).toEqual({ value: 'Hello!' });
      }
    });

    it('system.listMethods and mt.supportedMethods list the method set', async () => {
      const methods = (await rpcValue(server, 'system.listMethods')) as string[];
      for (const name of [
        'system.multicall',
        'demo.sayHello',
        'blogger.getUsersBlogs',
        'wp.getUsersBlogs',
        'blogger.getUserInfo',
        'wp.getProfile',
        'metaWeblog.getRecentPosts',
        'metaWeblog.newPost',
        'metaWeblog.editPost',
        'metaWeblog.getPost',
        'metaWeblog.deletePost',
        'blogger.deletePost',
        'metaWeblog.getCategories',
        'wp.getCategories',
        'mt.getCategoryList',
        'mt.getPostCategories',
        'mt.setPostCategories',
        'wp.newCategory',
        'wp.getTags',
        'wp.getAuthors',
        'metaWeblog.newMediaObject',
        'wp.uploadFile',
        'wp.getPages',
        'wp.getPage',
        'wp.newPage',
        'wp.editPage',
        'wp.deletePage',
        'wp.getPageList',
        'wp.getPosts',
        'wp.getPost',
        'wp.newPost',
        'wp.editPost',
        'wp.deletePost',
      ])
        expect(methods).toContain(name);
      // WordPress's mt.supportedMethods lists every method, as python-wordpress-xmlrpc expects.
      const mt = (await rpcValue(server, 'mt.supportedMethods')) as string[];
      expect([...mt].sort()).toEqual([...methods].sort());
    });
  });

  describe('golden 52–55 (WordPress 6.1)', () => {
    /** Replays a capture with this server's credentials in place of the captured ones. */
    async function replay(number: string, password?: string) {
      const golden = loadGolden(number);
      let body = golden.request.body;
      if (password)
        body = body.replace(
          /<string>([^<]*)<\/string><\/value><\/param><\/params>/,
          `<string>${password}</string></value></param></params>`,
        );
      const ours = await postXml(server, body, {
        'content-type': golden.request.headers['content-type']!,
      });
      return { golden, ours };
    }

    it('52: wp.getUsersBlogs with an application password: same structure', async () => {
      const { golden, ours } = await replay('52', ap.password);
      expect(ours.status).toBe(golden.response.status);
      expect(ours.contentType).toBe(golden.response.headers['content-type']);
      const theirs = parseMethodResponse(golden.response.body) as {
        value: Array<Record<string, unknown>>;
      };
      const mine = parseMethodResponse(ours.text) as { value: Array<Record<string, unknown>> };
      expect(Object.keys(mine.value[0]!)).toEqual(Object.keys(theirs.value[0]!));
      expect(mine.value[0]).toEqual({
        ...theirs.value[0],
        url: `${server.url}/`,
        blogName: 'Latchkey',
        xmlrpc: `${server.url}/xmlrpc.php`,
      });
    });

    it('53 and 55: a wrong password and an unknown user: the same fault, byte for byte', async () => {
      for (const number of ['53', '55']) {
        const { golden, ours } = await replay(number, number === '55' ? ap.password : undefined);
        expect(ours.status).toBe(200);
        expect(ours.contentType).toBe(golden.response.headers['content-type']);
        expect(faultOf(ours.text)).toBe(faultOf(golden.response.body));
      }
    });

    it('54: the account password (user without two-factor, site allows it) is accepted', async () => {
      const { golden, ours } = await replay('54', ADMIN_PASSWORD);
      const theirs = parseMethodResponse(golden.response.body) as {
        value: Array<Record<string, unknown>>;
      };
      const mine = parseMethodResponse(ours.text) as { value: Array<Record<string, unknown>> };
      expect(Object.keys(mine.value[0]!)).toEqual(Object.keys(theirs.value[0]!));
      expect(mine.value[0]!.isAdmin).toBe(true);
    });
  });

  // XML bombs, external entities, deep nesting and oversize bodies have their own file:
  // xmlrpcHostileInput.security.test.ts.
  describe('broken input: faults with HTTP 200, never a 5xx', () => {
    const expectFault = (body: string | Buffer, code: number) => postFault(server, body, code);

    it('malformed documents, wrong roots, unknown methods and types', async () => {
      await expectFault('', -32700);
      await expectFault('not xml at all', -32700);
      await expectFault('<methodCall><methodName>demo.sayHello</methodName>', -32700);
      await expectFault(Buffer.from([0x3c, 0x61, 0x00, 0x3e]), -32700);
      await expectFault('<?xml version="1.0"?><methodResponse><params/></methodResponse>', -32600);
      await expectFault('<?xml version="1.0"?><methodCall><params/></methodCall>', -32600);
      await expectFault(methodCall('no.suchMethod', []), -32601);
      await expectFault(methodCall('__proto__', []), -32601);
      for (const bad of [
        '<int>twelve</int>',
        '<i4>99999999999999999999</i4>',
        '<boolean>yes</boolean>',
        '<double>1.2.3</double>',
        '<dateTime.iso8601>yesterday</dateTime.iso8601>',
        '<base64>!!!</base64>',
        '<struct><member><name>a</name></member></struct>',
        '<array><value/></array>',
        '<float>1</float>',
        '<string>a</string><string>b</string>',
      ])
        await expectFault(
          `<?xml version="1.0"?><methodCall><methodName>demo.sayHello</methodName><params><param><value>${bad}</value></param></params></methodCall>`,
          -32600,
        );
    });

    it('parameters of the wrong type are fault -32602; too few are fault 400', async () => {
      expect(await rpcFault(server, 'wp.getUsersBlogs', newStruct(), ap.password)).toMatchObject({
        faultCode: -32602,
      });
      expect(
        await rpcFault(server, 'wp.getPost', 1, 'admin', ap.password, ['not', 'an', 'id']),
      ).toMatchObject({ faultCode: -32602 });
      expect(
        await rpcFault(server, 'metaWeblog.newPost', 1, 'admin', ap.password, 'not a struct', true),
      ).toMatchObject({ faultCode: -32602 });
      expect(
        await rpcFault(server, 'metaWeblog.newPost', 1, 'admin', ap.password, {
          title: 't',
          dateCreated: 'garbage',
        }),
      ).toMatchObject({ faultCode: -32602 });
      expect(await rpcFault(server, 'wp.getUsersBlogs', 'admin')).toEqual({
        faultCode: 400,
        faultString: 'Insufficient arguments passed to this XML-RPC method.',
      });
    });

    it('every XML-RPC type is read; untyped values are strings', async () => {
      // metaWeblog.newPost takes them all in one struct: ints as strings, booleans as ints…
      const body = `<?xml version="1.0" encoding="UTF-8"?>
<methodCall><methodName>metaWeblog.newPost</methodName><params>
<param><value><i4>1</i4></value></param>
<param><value>admin</value></param>
<param><value><string>${ap.chunked}</string></value></param>
<param><value><struct>
  <member><name>title</name><value>  Typed &#x263A; &amp; untyped  </value></member>
  <member><name>description</name><value><string><![CDATA[<b>bold</b>]]></string></value></member>
  <member><name>mt_allow_comments</name><value><boolean>0</boolean></value></member>
  <member><name>dateCreated</name><value><dateTime.iso8601>20200102T03:04:05</dateTime.iso8601></value></member>
  <member><name>custom</name><value><array><data><value><double>-1.5e3</double></value><value><nil/></value><value><base64>aGk=</base64></value></data></array></value></member>
</struct></value></param>
<param><value><int>1</int></value></param>
</params></methodCall>`;
      const created = parseMethodResponse((await postXml(server, body)).text) as { value: string };
      const post = await rpcValue(
        server,
        'metaWeblog.getPost',
        created.value,
        'admin',
        ap.password,
      );
      expect(post.title).toBe('  Typed ☺ & untyped  ');
      expect(post.description).toBe('<b>bold</b>');
      expect(post.mt_allow_comments).toBe(0);
      expect(post.dateCreated.toString()).toBe('20200102T03:04:05');
    });
  });

  describe('system.multicall', () => {
    const call = (methodName: string, params: unknown[]) =>
      Object.assign(newStruct(), { methodName, params }) as never;

    it('answers each call; after one failed login every later login fails', async () => {
      const results = await rpcValue(server, 'system.multicall', [
        call('wp.getUsersBlogs', ['admin', ap.password]),
        call('demo.sayHello', []),
        call('wp.getUsersBlogs', ['admin', 'wrong-password']),
        call('wp.getUsersBlogs', ['admin', ap.password]),
        call('demo.sayHello', []),
        call('no.such', []),
      ]);
      expect(results[0][0][0].blogid).toBe('1');
      expect(results[1]).toEqual(['Hello!']);
      expect(results[2]).toEqual(BAD_CREDENTIALS);
      expect(results[3]).toEqual(BAD_CREDENTIALS);
      expect(results[4]).toEqual(['Hello!']);
      expect(results[5]).toMatchObject({ faultCode: -32601 });
      // The next request starts afresh.
      expect((await rpcValue(server, 'wp.getUsersBlogs', 'admin', ap.password))[0].blogid).toBe(
        '1',
      );
    });

    it('a thousand guesses in one request cost one failure and try one password', async () => {
      const guesses = Array.from({ length: 500 }, (_, i) =>
        call('wp.getUsersBlogs', ['admin', `guess-${i}`]),
      );
      const started = Date.now();
      const results = await rpcValue(server, 'system.multicall', guesses);
      expect(
        results.every((r: unknown) => JSON.stringify(r) === JSON.stringify(BAD_CREDENTIALS)),
      ).toBe(true);
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await rpcValue(server, 'wp.getUsersBlogs', 'admin', ap.password))[0].blogid).toBe(
        '1',
      );
    });

    it('recursive multicall is -32600; malformed entries are faults of their own', async () => {
      const results = await rpcValue(server, 'system.multicall', [
        call('system.multicall', [[call('demo.sayHello', [])]]),
        'not a struct',
        call('demo.sayHello', []),
      ]);
      expect(results[0]).toEqual({
        faultCode: -32600,
        faultString: 'Recursive calls to system.multicall are forbidden',
      });
      expect(results[1]).toMatchObject({ faultCode: -32600 });
      expect(results[2]).toEqual(['Hello!']);
      expect(await rpcFault(server, 'system.multicall', 'nope')).toMatchObject({
        faultCode: -32602,
      });
    });
  });

  describe('credentials, scopes and switches', () => {
    it('a content-tier password works on content methods, and full-tier ones are fault 401', async () => {
      const content = await makeApplicationPassword(server, admin.id, 'content only', {
        scope: 'content',
      });
      expect(
        (await rpcValue(server, 'wp.getUsersBlogs', 'admin', content.password))[0].isAdmin,
      ).toBe(true);
      expect(await rpcValue(server, 'wp.getProfile', 1, 'admin', content.password)).toMatchObject({
        user_id: String(admin.id),
        username: 'admin',
      });
      expect(await rpcFault(server, 'wp.getAuthors', 1, 'admin', content.password)).toEqual({
        faultCode: 401,
        faultString:
          'This application password is limited to the content scope; this requires the full scope.',
      });
      const authors = await rpcValue(server, 'wp.getAuthors', 1, 'admin', ap.password);
      expect(authors).toContainEqual({
        user_id: String(admin.id),
        user_login: 'admin',
        display_name: admin.displayName,
      });
    });

    it('a role ceiling lowers what the password may do', async () => {
      const { password } = await createApplicationPassword(
        db(),
        { userId: admin.id, name: 'as author', roleCeiling: 'author' },
        server.clock.now,
      );
      expect((await rpcValue(server, 'wp.getUsersBlogs', 'admin', password))[0].isAdmin).toBe(
        false,
      );
      expect(
        await rpcFault(server, 'wp.newCategory', 1, 'admin', password, { name: 'Nope' }),
      ).toEqual({
        faultCode: 401,
        faultString: 'Sorry, you are not allowed to add a category.',
      });
      expect(
        await rpcValue(server, 'wp.newCategory', 1, 'admin', ap.password, { name: 'Yes' }),
      ).toEqual(expect.any(Number));
    });

    it('capabilities: a subscriber cannot post, an author cannot publish pages', async () => {
      const reader = await server.createUser('reader', 'subscriber');
      const readerAp = await makeApplicationPassword(server, reader.id);
      expect(
        await rpcFault(
          server,
          'metaWeblog.newPost',
          1,
          'reader',
          readerAp.password,
          { title: 't' },
          true,
        ),
      ).toEqual({
        faultCode: 401,
        faultString: 'Sorry, you are not allowed to publish posts on this site.',
      });
      const author = await server.createUser('author1', 'author');
      const authorAp = await makeApplicationPassword(server, author.id);
      expect(
        await rpcFault(server, 'wp.newPage', 1, 'author1', authorAp.password, { title: 'p' }, true),
      ).toEqual({
        faultCode: 401,
        faultString: 'Sorry, you are not allowed to publish pages on this site.',
      });
      const adminPost = await rpcValue(server, 'wp.newPost', 1, 'admin', ap.password, {
        post_title: 'Admin only',
        post_status: 'draft',
      });
      expect(
        await rpcFault(server, 'wp.editPost', 1, 'author1', authorAp.password, adminPost, {
          post_title: 'x',
        }),
      ).toEqual({
        faultCode: 401,
        faultString: 'Sorry, you are not allowed to edit this post.',
      });
      expect(await rpcFault(server, 'wp.getPost', 1, 'admin', ap.password, 99999)).toEqual({
        faultCode: 404,
        faultString: 'Invalid post ID.',
      });
    });

    it('pages: newPage, getPage, editPage, getPages, getPageList, deletePage', async () => {
      const id = await rpcValue(
        server,
        'wp.newPage',
        1,
        'admin',
        ap.password,
        { title: 'About', description: 'Us.' },
        true,
      );
      expect(id).toMatch(/^\d+$/);
      expect(await rpcValue(server, 'wp.getPage', 1, id, 'admin', ap.password)).toMatchObject({
        page_id: Number(id),
        title: 'About',
        page_status: 'publish',
        link: `${server.url}/about/`,
      });
      expect(
        await rpcValue(
          server,
          'wp.editPage',
          1,
          id,
          'admin',
          ap.password,
          { title: 'About us' },
          true,
        ),
      ).toBe(true);
      const pages = await rpcValue(server, 'wp.getPages', 1, 'admin', ap.password, 10);
      expect(pages.map((p: { title: string }) => p.title)).toContain('About us');
      const list = await rpcValue(server, 'wp.getPageList', 1, 'admin', ap.password);
      expect(list).toContainEqual(
        expect.objectContaining({ page_id: id, page_title: 'About us', page_parent_id: '0' }),
      );
      expect(await rpcValue(server, 'wp.deletePage', 1, 'admin', ap.password, id)).toBe(true);
      expect(await rpcFault(server, 'wp.getPage', 1, '999999', 'admin', ap.password)).toEqual({
        faultCode: 404,
        faultString: 'Sorry, no such page.',
      });
    });

    it('uses of an application password are recorded like REST ones', async () => {
      const fresh = await makeApplicationPassword(server, admin.id, 'tracked');
      await rpcValue(server, 'wp.getUsersBlogs', 'admin', fresh.password);
      const seen = server.latchkey.ctx.lastUsed.overlay({
        uuid: fresh.uuid,
        lastUsed: null,
        lastIp: null,
      });
      expect(seen.lastUsed).toBe(server.clock.now);
      expect(seen.lastIp).toBe('127.0.0.1');
    });

    it('a disabled user fails with either password', async () => {
      const gone = await server.createUser('gone', 'editor');
      const goneAp = await makeApplicationPassword(server, gone.id);
      expect((await rpcValue(server, 'wp.getUsersBlogs', 'gone', goneAp.password))[0].blogid).toBe(
        '1',
      );
      await setUserDisabled(db(), gone, true);
      for (const password of [goneAp.password, 'enog-Pass-1234'])
        expect(await rpcFault(server, 'wp.getUsersBlogs', 'gone', password)).toEqual(
          BAD_CREDENTIALS,
        );
    });

    it('site switches: account passwords off, application passwords off, XML-RPC off (405)', async () => {
      try {
        await writeSettings(db(), { xmlrpcAccountPasswords: false });
        expect(await rpcFault(server, 'wp.getUsersBlogs', 'admin', ADMIN_PASSWORD)).toEqual(
          BAD_CREDENTIALS,
        );
        expect((await rpcValue(server, 'wp.getUsersBlogs', 'admin', ap.password))[0].blogid).toBe(
          '1',
        );

        await writeSettings(db(), {
          xmlrpcAccountPasswords: true,
          applicationPasswordsEnabled: false,
        });
        expect(await rpcFault(server, 'wp.getUsersBlogs', 'admin', ap.password)).toEqual(
          BAD_CREDENTIALS,
        );
        expect(
          (await rpcValue(server, 'wp.getUsersBlogs', 'admin', ADMIN_PASSWORD))[0].blogid,
        ).toBe('1');

        await writeSettings(db(), { applicationPasswordsEnabled: true, xmlrpcEnabled: false });
        expect(await rpcFault(server, 'wp.getUsersBlogs', 'admin', ap.password)).toEqual({
          faultCode: 405,
          faultString: 'XML-RPC services are disabled on this site.',
        });
        expect(await rpcValue(server, 'demo.sayHello')).toBe('Hello!');
      } finally {
        await writeSettings(db(), {
          xmlrpcEnabled: true,
          xmlrpcAccountPasswords: true,
          applicationPasswordsEnabled: true,
        });
      }
    });
  });
});

describe('XML-RPC failed credentials are rate limited (fault 429), SPEC §7, §8', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: STORES[0]! });
  });
  afterAll(() => server?.close());

  it('30 failures from one address, then even a right password is refused for a while', async () => {
    const admin = (await findUserByLoginOrEmail(server.latchkey.store.db, 'admin'))!;
    const ap = await makeApplicationPassword(server, admin.id);
    for (let i = 0; i < 30; i++)
      expect(await rpcFault(server, 'wp.getUsersBlogs', `nobody-${i}`, `wrong-${i}`)).toEqual(
        BAD_CREDENTIALS,
      );
    const limited = await rpc(server, 'wp.getUsersBlogs', 'admin', ap.password);
    expect(limited.status).toBe(200);
    expect(limited).toMatchObject({ fault: { faultCode: 429 } });
  });
});

describe('docs/api.md: the XML-RPC method tiers, SPEC §5', () => {
  it('lists every XML-RPC method with its tier, as the method table declares them', () => {
    const apiMd = path.resolve(
      path.dirname(fileURLToPath(import.meta.url)),
      '../../../../docs/api.md',
    );
    expect(readFileSync(apiMd, 'utf8')).toContain(renderXmlRpcMethodTable(XMLRPC_METHODS));
  });

  it('every method declares a tier; only users, options and profile changes need full', () => {
    const full = Object.entries(XMLRPC_METHODS)
      .filter(([, m]) => m.credentials !== null && m.tier === 'full')
      .map(([name]) => name)
      .sort();
    expect(full).toEqual([
      'wp.editProfile',
      'wp.getAuthors',
      'wp.getOptions',
      'wp.getUser',
      'wp.getUsers',
      'wp.setOptions',
    ]);
  });
});
