/**
 * `latchkey import-wordpress` against a real WordPress 6.1 database (test/fixtures/wordpress-import,
 * loaded into MariaDB afresh for each suite), into SQLite and PostgreSQL, checked over HTTP on a
 * running server: the people and apps of the WordPress site must not notice the move.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByLoginOrEmail } from '../../src/accounts/index.js';
import { parseRestDate } from '../../src/content/index.js';
import { api, basic } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import {
  loadDump,
  mariadbMissing,
  mariadbReachable,
  mariadbSuiteTitle,
  REQUIRE_MARIADB,
  type LoadedDump,
} from '../helpers/mariadb.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES, type StoreUnderTest } from '../helpers/stores.js';
import { challengeOf, codeNow, submitCode } from '../helpers/twoFactor.js';
import { rpc } from '../helpers/xmlrpc.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/wordpress-import/', import.meta.url));
const DUMP = readFileSync(path.join(FIXTURES, 'wordpress.sql'), 'utf8');
/* eslint-disable @typescript-eslint/no-explicit-any -- facts.json is asserted field by field */
const FACTS = JSON.parse(readFileSync(path.join(FIXTURES, 'facts.json'), 'utf8')) as any;

const reachable = await mariadbReachable();

/** Runs the built CLI against the server's store. */
function importInto(server: TestServer, dump: LoadedDump, ...flags: string[]): CliResult {
  // The data dir holds the installation key the TOTP secrets are sealed with, in both dialects.
  const store = ['--data-dir', server.config.dataDir];
  if (server.config.databaseUrl) store.push('--database-url', server.config.databaseUrl);
  return runCli(['import-wordpress', '--mysql-url', dump.url, ...store, ...flags], {
    LATCHKEY_LOG_LEVEL: 'silent',
  });
}

function json(result: CliResult): any {
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(`not JSON (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Row counts of every table an import writes to. */
async function snapshot(server: TestServer): Promise<Record<string, unknown>> {
  const db = server.latchkey.store.db;
  const tables = [
    'users',
    'application_passwords',
    'user_two_factor',
    'backup_codes',
    'posts',
    'terms',
    'term_relationships',
    'media',
    'wordpress_import_ids',
    'content_ids',
  ] as const;
  const out: Record<string, unknown> = {};
  for (const t of tables) {
    const row = await db
      .selectFrom(t)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out[t] = Number(row.n);
  }
  out.settings = await db.selectFrom('settings').selectAll().orderBy('name').execute();
  out.hashes = await db
    .selectFrom('users')
    .select(['login', 'password_hash'])
    .orderBy('id')
    .execute();
  return out;
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe.skipIf(!reachable && !REQUIRE_MARIADB)(
  mariadbSuiteTitle('import-wordpress', reachable),
  () => {
    if (mariadbMissing(reachable)) return;

    describe.each(STORES)('a WordPress 6.1 site moved into $name', (store: StoreUnderTest) => {
      let server: TestServer;
      let dump: LoadedDump;
      let first: any;
      beforeAll(async () => {
        dump = await loadDump(DUMP);
        server = await startTestServer({ store });
        const result = importInto(server, dump, '--content', '--json');
        expect(result.status, result.stderr).toBe(0);
        first = json(result);
      });
      afterAll(async () => {
        await server?.close();
        await dump?.drop();
      });
      const db = () => server.latchkey.store.db;
      const user = async (login: string) => (await findUserByLoginOrEmail(db(), login))!;

      it('reports what it read and imported, and keeps the hashes as WordPress wrote them', async () => {
        expect(first).toMatchObject({
          site: FACTS.site.siteurl,
          table_prefix: 'wp_',
          dry_run: false,
          changed: true,
          skipped: [],
        });
        expect(first.source).toBe(`mysql://root@127.0.0.1:3306/${dump.name}`);
        const c = FACTS.counts;
        expect(first.read).toMatchObject({
          users: c.users,
          application_passwords: c.application_passwords,
          two_factor: c.users_with_two_factor,
          posts: c.posts,
          pages: c.pages,
          categories: c.categories,
          tags: c.tags,
          attachments: c.attachments,
        });
        expect(first.imported).toEqual({
          users: c.users,
          application_passwords: c.application_passwords,
          two_factor: c.users_with_two_factor,
          settings: 3,
          categories: c.categories,
          tags: c.tags,
          posts: c.posts,
          pages: c.pages,
          attachments: c.attachments,
        });
        expect(typeof first.duration_ms).toBe('number');
        // Nothing secret in the summary: no hash, no TOTP secret.
        const text = JSON.stringify(first);
        for (const u of FACTS.users) expect(text).not.toContain(u.password_hash);
        expect(text).not.toContain(FACTS.two_factor.ada.totp_secret);

        for (const u of FACTS.users) {
          const stored = await user(u.login);
          expect(stored, u.login).toMatchObject({
            email: u.email,
            displayName: u.display_name,
            role: u.role,
            passwordHash: u.password_hash,
            registered: Date.parse(`${u.registered.replace(' ', 'T')}Z`),
          });
        }
        const iOS = await db()
          .selectFrom('application_passwords')
          .selectAll()
          .where('uuid', '=', 'de0b8889-d762-4610-95b7-56adfb488564')
          .executeTakeFirstOrThrow();
        expect(Number(iOS.last_used)).toBe(1796161856 * 1000);
        expect(iOS.last_ip).toBe('198.51.100.23');
        expect(iOS.password_hash).toBe('$P$BdI9PfNs19c44rRtmZwbo4DGQJNxWB.');
        // The TOTP secret is sealed at rest, like Latchkey's own.
        const tf = await db()
          .selectFrom('user_two_factor')
          .selectAll()
          .where('user_id', '=', (await user('ada')).id)
          .executeTakeFirstOrThrow();
        expect(tf.totp_secret).toMatch(/^v1\./);
        expect(tf.totp_secret).not.toContain(FACTS.two_factor.ada.totp_secret);
        const settings = Object.fromEntries(
          (await db().selectFrom('settings').selectAll().execute()).map((r) => [
            r.name,
            JSON.parse(r.value),
          ]),
        );
        expect(settings).toMatchObject({
          title: FACTS.site.blogname,
          description: FACTS.site.blogdescription,
          timezone: FACTS.site.timezone_string,
        });
      });

      it('every user signs in with their WordPress password, which is then re-hashed to argon2id', async () => {
        for (const u of FACTS.users) {
          const browser = new BrowserClient(server.url);
          const wrong = await browser.signIn(u.login, `${u.password}x`);
          expect(browser.cookies.has('latchkey_session'), u.login).toBe(false);
          expect(wrong.status).not.toBe(302);
          const response = await browser.signIn(u.login, u.password);
          if (u.two_factor_providers.length > 0) {
            // The password was right: the second-factor step follows.
            expect(response.status, u.login).toBe(200);
            expect(response.text_).toContain('action="/login/two-factor"');
          } else {
            expect(response.status, u.login).toBe(302);
            expect(browser.cookies.has('latchkey_session'), u.login).toBe(true);
            const me = await api(server, 'GET', '/wp/v2/users/me', {
              headers: {
                cookie: `latchkey_session=${browser.cookies.get('latchkey_session')}`,
                'x-wp-nonce': await browser.restNonce(),
              },
            });
            expect(me.status, u.login).toBe(200);
            expect(me.json.id, u.login).toBe((await user(u.login)).id);
          }
          expect((await user(u.login)).passwordHash, u.login).toMatch(/^\$argon2id\$/);
        }
        // Priya's login is an old email address; her email is another: both still find her.
        const priya = new BrowserClient(server.url);
        expect((await priya.signIn('priya.raman@example.com', 'Moved-Mailbox-2019')).status).toBe(
          302,
        );
      });

      it('every application password works on users/me and over XML-RPC, its uuid unchanged', async () => {
        for (const ap of FACTS.application_passwords) {
          const owner = await user(ap.user_login);
          for (const presented of [ap.password, ap.password_chunked]) {
            const me = await api(server, 'GET', '/wp/v2/users/me', {
              auth: basic(ap.user_login, presented),
            });
            expect(me.status, ap.name).toBe(200);
            expect(me.json.id).toBe(owner.id);
            const used = await api(
              server,
              'GET',
              '/wp/v2/users/me/application-passwords/introspect',
              { auth: basic(ap.user_login, presented) },
            );
            expect(used.status, ap.name).toBe(200);
            expect(used.json).toMatchObject({ uuid: ap.uuid, app_id: ap.app_id, name: ap.name });
            expect(used.json.created).toBe(new Date(ap.created * 1000).toISOString().slice(0, 19));
          }
          const profile = await rpc(server, 'wp.getProfile', 1, ap.user_login, ap.password_chunked);
          expect('fault' in profile ? profile.fault : undefined, ap.name).toBeUndefined();
          expect((profile as { value: any }).value.user_id).toBe(String(owner.id));
          // A case change is another password, as in WordPress.
          const lower = await api(server, 'GET', '/wp/v2/users/me', {
            auth: basic(ap.user_login, ap.password.toLowerCase()),
          });
          expect(lower.status).toBe(401);
        }
        // Verified once, the imported hashes are now Latchkey's `$generic$`; the uuids stayed.
        const rows = await db()
          .selectFrom('application_passwords')
          .select(['uuid', 'password_hash'])
          .execute();
        expect(rows.map((r) => r.uuid).sort()).toEqual(
          FACTS.application_passwords.map((a: any) => a.uuid).sort(),
        );
        for (const r of rows) expect(r.password_hash).toMatch(/^\$generic\$/);
      });

      it('a TOTP user is asked for the second factor and passes it with a code from the imported secret', async () => {
        server.clock.advance(60_000);
        const browser = new BrowserClient(server.url);
        const step = await browser.signIn('ada', 'Analytical-Engine-1843');
        expect(step.status).toBe(200);
        expect(browser.cookies.has('latchkey_session')).toBe(false);
        const challenge = challengeOf(step.text_);
        const secret = FACTS.two_factor.ada.totp_secret;
        expect((await submitCode(browser, challenge, 'totp', '000000')).text_).toContain(
          'Invalid code.',
        );
        server.clock.advance(3000);
        const done = await submitCode(browser, challenge, 'totp', codeNow(server, secret));
        expect(done.status).toBe(302);
        expect(browser.cookies.has('latchkey_session')).toBe(true);
      });

      it('a recovery code from WordPress works once', async () => {
        const codes: string[] = FACTS.two_factor.carl.backup_codes;
        const first = new BrowserClient(server.url);
        const step = await first.signIn('carl', 'Guest-Column-Drafts-3');
        expect(step.status).toBe(200);
        expect(step.text_).toContain('Recovery code');
        const ok = await submitCode(first, challengeOf(step.text_), 'backup_codes', codes[3]!);
        expect(ok.status).toBe(302);
        expect(first.cookies.has('latchkey_session')).toBe(true);

        const again = new BrowserClient(server.url);
        const second = await again.signIn('carl', 'Guest-Column-Drafts-3');
        const challenge = challengeOf(second.text_);
        expect((await submitCode(again, challenge, 'backup_codes', codes[3]!)).text_).toContain(
          'Invalid code.',
        );
        server.clock.advance(3000);
        expect((await submitCode(again, challenge, 'backup_codes', codes[4]!)).status).toBe(302);
        const status = await server.latchkey.ctx.twoFactor.status(await user('carl'));
        expect(status.backup_codes_remaining).toBe(codes.length - 2);
        // Ada's recovery codes came along beside her authenticator app.
        expect((await server.latchkey.ctx.twoFactor.status(await user('ada'))).enabled).toEqual([
          'totp',
          'backup_codes',
        ]);
      });

      it('an email-code user gets the code mailed to their (imported, verified) address', async () => {
        const browser = new BrowserClient(server.url);
        const step = await browser.signIn('eddie', 'Red-Pen-Margins-77');
        expect(step.status).toBe(200);
        const outbox = path.join(server.config.dataDir, 'outbox');
        let mail = '';
        for (let i = 0; i < 100 && mail === ''; i++) {
          const files = (() => {
            try {
              return readdirSync(outbox);
            } catch {
              return [];
            }
          })();
          const file = files.find((f) =>
            readFileSync(path.join(outbox, f), 'utf8').includes('eddie.editor@example.com'),
          );
          if (file) mail = readFileSync(path.join(outbox, file), 'utf8');
          else await new Promise((r) => setTimeout(r, 50));
        }
        const code = /\b(\d{8})\b/.exec(mail)?.[1];
        expect(code).toBeDefined();
        const done = await submitCode(browser, challengeOf(step.text_), 'email', code!);
        expect(done.status).toBe(302);
      });

      it('content: counts, authors, statuses, dates, slugs, parents and terms match facts.json', async () => {
        const auth = basic('ada', 'K2QYCOJvhpdEw9Hhg68ORJBC');
        const idOf = new Map<number, string>();
        for (const u of FACTS.users) idOf.set((await user(u.login)).id, u.login);
        const all = 'publish,draft,pending,private,future';
        const posts = await api(
          server,
          'GET',
          `/wp/v2/posts?status=${all}&per_page=100&context=edit`,
          {
            auth,
          },
        );
        expect(posts.status).toBe(200);
        expect(posts.json).toHaveLength(FACTS.counts.posts);
        const categories = await api(server, 'GET', '/wp/v2/categories?per_page=100', { auth });
        const tags = await api(server, 'GET', '/wp/v2/tags?per_page=100', { auth });
        const slugOf = new Map<number, string>(
          [...categories.json, ...tags.json].map((t: any) => [t.id, t.slug]),
        );
        for (const fact of FACTS.posts) {
          const post = posts.json.find((p: any) => p.title.raw === fact.title);
          expect(post, fact.title).toBeDefined();
          expect(post.status).toBe(fact.status);
          expect(idOf.get(post.author)).toBe(fact.author);
          expect(post.slug).toBe(fact.slug);
          // Dates in the site's time (Europe/Berlin) become the same instants; drafts nobody
          // dated (a zero date_gmt) keep their date too.
          const row = await db()
            .selectFrom('posts')
            .select(['date', 'date_floating'])
            .where('id', '=', post.id)
            .executeTakeFirstOrThrow();
          expect(Number(row.date), fact.title).toBe(parseRestDate(fact.date, 'Europe/Berlin'));
          expect(Number(row.date_floating)).toBe(fact.date_gmt.startsWith('0000') ? 1 : 0);
          if (!fact.date_gmt.startsWith('0000'))
            expect(post.date_gmt).toBe(fact.date_gmt.replace(' ', 'T'));
          expect(post.sticky).toBe(fact.sticky);
          expect(post.categories.map((id: number) => slugOf.get(id)).sort()).toEqual(
            [...fact.categories].sort(),
          );
          expect(post.tags.map((id: number) => slugOf.get(id)).sort()).toEqual(
            [...fact.tags].sort(),
          );
          if (fact.featured_image_id) expect(post.featured_media).toBeGreaterThan(0);
          else expect(post.featured_media).toBe(0);
        }
        const pages = await api(
          server,
          'GET',
          `/wp/v2/pages?status=${all}&per_page=100&context=edit`,
          {
            auth,
          },
        );
        expect(pages.json).toHaveLength(FACTS.counts.pages);
        const pageIdOf = new Map(pages.json.map((p: any) => [p.slug, p.id]));
        for (const fact of FACTS.pages) {
          const page = pages.json.find((p: any) => p.slug === fact.slug);
          expect(idOf.get(page.author)).toBe(fact.author);
          expect(page.menu_order).toBe(fact.menu_order);
          const parent = FACTS.pages.find((p: any) => p.id === fact.parent_id);
          expect(page.parent).toBe(parent ? pageIdOf.get(parent.slug) : 0);
        }
        for (const fact of FACTS.categories) {
          const cat = categories.json.find((c: any) => c.slug === fact.slug);
          expect(cat, fact.slug).toMatchObject({
            name: fact.name,
            description: fact.description,
            count: fact.count,
          });
          expect(cat.parent === 0 ? null : slugOf.get(cat.parent)).toBe(fact.parent_slug);
        }
        for (const fact of FACTS.tags)
          expect(
            tags.json.find((t: any) => t.slug === fact.slug),
            fact.slug,
          ).toMatchObject({
            name: fact.name,
            count: fact.count,
          });
        const media = await api(server, 'GET', '/wp/v2/media?per_page=100&context=edit', { auth });
        expect(media.json).toHaveLength(FACTS.counts.attachments);
        const [logo] = FACTS.attachments;
        const release = posts.json.find((p: any) => p.slug === 'release-notes-1-0');
        expect(media.json[0]).toMatchObject({
          source_url: logo.url,
          mime_type: logo.mime_type,
          alt_text: logo.alt,
          slug: logo.slug,
          post: release.id,
        });
        expect(media.json[0].caption.raw).toBe(logo.caption);
        expect(idOf.get(media.json[0].author)).toBe(logo.author);
        expect(release.featured_media).toBe(media.json[0].id);
      });

      it('a second import changes nothing, and says so', async () => {
        const before = await snapshot(server);
        const again = importInto(server, dump, '--content', '--json');
        expect(again.status, again.stderr).toBe(0);
        const summary = json(again);
        expect(summary.changed).toBe(false);
        expect(Object.values(summary.imported).every((n) => n === 0)).toBe(true);
        expect(summary.unchanged).toMatchObject({
          users: FACTS.counts.users,
          application_passwords: FACTS.counts.application_passwords,
          two_factor: FACTS.counts.users_with_two_factor,
          posts: FACTS.counts.posts,
          pages: FACTS.counts.pages,
        });
        expect(summary.skipped).toEqual([]);
        expect(await snapshot(server)).toEqual(before);
        const text = importInto(server, dump, '--content');
        expect(text.status).toBe(0);
        expect(text.stdout).toContain('Nothing changed');
        // The hashes upgraded at sign-in stay upgraded.
        expect((await user('ada')).passwordHash).toMatch(/^\$argon2id\$/);
      });
    });

    describe.each(STORES)('refusals and bad data ($name)', (store: StoreUnderTest) => {
      let server: TestServer;
      let dump: LoadedDump;
      beforeAll(async () => {
        dump = await loadDump(DUMP);
        server = await startTestServer({ store });
      });
      afterAll(async () => {
        await server?.close();
        await dump?.drop();
      });
      const db = () => server.latchkey.store.db;

      it('--dry-run reports what it would import and writes nothing', async () => {
        const before = await snapshot(server);
        const result = importInto(server, dump, '--content', '--dry-run', '--json');
        expect(result.status, result.stderr).toBe(0);
        const summary = json(result);
        expect(summary).toMatchObject({ dry_run: true, changed: false });
        expect(summary.imported.users).toBe(FACTS.counts.users);
        expect(summary.imported.posts).toBe(FACTS.counts.posts);
        expect(await snapshot(server)).toEqual(before);
        const text = importInto(server, dump, '--dry-run');
        expect(text.stdout).toContain('Dry run: nothing was written');
        expect(await snapshot(server)).toEqual(before);
      });

      it('a store holding another user with a WordPress login or email is refused, listed, and nothing is written', async () => {
        const eddie = await server.createUser('Eddie', 'subscriber');
        const other = await db()
          .updateTable('users')
          .set({ email: 'zoe@example.com', email_key: 'zoe@example.com' })
          .where('id', '=', (await server.createUser('zed', 'author')).id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const before = await snapshot(server);
        const result = importInto(server, dump, '--content', '--json');
        expect(result.status).toBe(1);
        const body = json(result);
        expect(body.error.code).toBe('conflicting_users');
        expect(body.error.conflicts).toEqual([
          {
            wordpress: { id: 2, login: 'eddie', email: 'eddie.editor@example.com' },
            store: { id: eddie.id, login: 'Eddie', email: 'Eddie@example.com' },
            same: ['login'],
          },
          {
            wordpress: { id: 3, login: 'zoe', email: 'zoe@example.com' },
            store: { id: other.id, login: 'zed', email: 'zoe@example.com' },
            same: ['email'],
          },
        ]);
        expect(await snapshot(server)).toEqual(before);
        const text = importInto(server, dump);
        expect(text.status).toBe(1);
        expect(text.stderr).toContain('nothing was written');
        expect(text.stderr).toMatch(/WordPress user 2 eddie .* same login as Latchkey user/);
        noStackTrace(text.stderr);
        await db().deleteFrom('users').where('id', 'in', [eddie.id, other.id]).execute();
      });

      it('a failure half-way leaves the store as it was', async () => {
        // A real database failure late in the import: attachments come after users, passwords,
        // second factors, terms and posts.
        if (store.name === 'sqlite')
          await sql`CREATE TRIGGER refuse_media BEFORE INSERT ON media BEGIN SELECT RAISE(ABORT, 'media refused by the test'); END`.execute(
            db(),
          );
        else {
          await sql`CREATE FUNCTION refuse_media() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'media refused by the test'; END $$ LANGUAGE plpgsql`.execute(
            db(),
          );
          await sql`CREATE TRIGGER refuse_media BEFORE INSERT ON media FOR EACH ROW EXECUTE FUNCTION refuse_media()`.execute(
            db(),
          );
        }
        const before = await snapshot(server);
        const result = importInto(server, dump, '--content');
        expect(result.status).toBe(1);
        expect(result.stderr).toContain('media refused by the test');
        noStackTrace(result.stderr);
        expect(await snapshot(server)).toEqual(before);
        await sql`DROP TRIGGER refuse_media${store.name === 'sqlite' ? sql`` : sql` ON media`}`.execute(
          db(),
        );
        if (store.name === 'postgres') await sql`DROP FUNCTION refuse_media()`.execute(db());
      });

      it('corrupted meta values are reported and skipped, and the rest is imported', async () => {
        const broken = await loadDump(DUMP);
        try {
          // Zoë's application passwords: a string length that does not match its bytes.
          await broken.query(
            `UPDATE wp_usermeta SET meta_value = REPLACE(meta_value, 's:15:"Newsletter sync"', 's:99:"Newsletter sync"') WHERE user_id = 3 AND meta_key = '_application_passwords'`,
          );
          // Ada's recovery codes: a PHP object instead of the list.
          await broken.query(
            `UPDATE wp_usermeta SET meta_value = 'O:8:"stdClass":0:{}' WHERE user_id = 1 AND meta_key = '_two_factor_backup_codes'`,
          );
          // Sam's role: cut short.
          await broken.query(
            `UPDATE wp_usermeta SET meta_value = 'a:1:{s:10:"subscriber";b:1;' WHERE user_id = 5 AND meta_key = 'wp_capabilities'`,
          );
          // Carl's provider list: not serialized at all (he must not lose his second factor).
          await broken.query(
            `UPDATE wp_usermeta SET meta_value = 'Two_Factor_Backup_Codes' WHERE user_id = 4 AND meta_key = '_two_factor_enabled_providers'`,
          );
          const result = importInto(server, broken, '--json');
          expect(result.status, result.stderr).toBe(0);
          const summary = json(result);
          const skipped = summary.skipped.map((s: any) => [s.kind, s.item, s.code]);
          expect(skipped).toEqual(
            expect.arrayContaining([
              ['application_passwords', 'zoe: all', 'meta_malformed'],
              ['two_factor', 'ada: Two_Factor_Backup_Codes', 'meta_malformed'],
              ['users', 'sam', 'meta_malformed'],
              ['users', 'carl', 'meta_malformed'],
            ]),
          );
          expect(summary.skipped).toHaveLength(4);
          for (const s of summary.skipped) expect(s.reason.length).toBeGreaterThan(10);
          expect(summary.imported.users).toBe(FACTS.counts.users - 2);
          expect(summary.imported.application_passwords).toBe(4);
          expect(await findUserByLoginOrEmail(db(), 'sam')).toBeUndefined();
          expect(await findUserByLoginOrEmail(db(), 'carl')).toBeUndefined();
          const ada = (await findUserByLoginOrEmail(db(), 'ada'))!;
          const status = await server.latchkey.ctx.twoFactor.status(ada);
          expect(status.enabled).toEqual(['totp']);
          // Zoë came over without her application passwords; her account works.
          const zoe = new BrowserClient(server.url);
          expect((await zoe.signIn('zoe', 'Fjörd-Spring-2024')).status).toBe(302);
          const text = importInto(server, broken);
          expect(text.status).toBe(0);
          expect(text.stdout).toMatch(/Skipped:\n/);
          expect(text.stdout).toContain('[meta_malformed]');
        } finally {
          await broken.drop();
        }
      });

      it('an unreadable meta value is reported without quoting it: no hash reaches the summary', async () => {
        const broken = await loadDump(DUMP);
        // Eddie's iOS password record: its hash, where an integer is expected.
        const hash = '$P$BdI9PfNs19c44rRtmZwbo4DGQJNxWB.';
        try {
          await broken.query(
            `UPDATE wp_usermeta SET meta_value = REPLACE(meta_value, ?, ?) WHERE user_id = 2 AND meta_key = '_application_passwords'`,
            [`s:34:"${hash}"`, `i:${hash}`],
          );
          const result = importInto(server, broken, '--dry-run', '--json');
          expect(result.status, result.stderr).toBe(0);
          const skip = json(result).skipped.find((s: any) => s.item === 'eddie: all');
          expect(skip).toMatchObject({ kind: 'application_passwords', code: 'meta_malformed' });
          expect(skip.reason).toMatch(/^_application_passwords: not an integer \(at byte \d+\);/);
          const text = importInto(server, broken, '--dry-run');
          expect(text.status, text.stderr).toBe(0);
          expect(text.stdout).toContain('eddie: all: _application_passwords: not an integer');
          // Not the hash, nor a part of it that would narrow a guess.
          for (const out of [result.stdout, result.stderr, text.stdout, text.stderr])
            expect(out).not.toContain(hash.slice(3, 12));
        } finally {
          await broken.drop();
        }
      });

      it('an attachment whose URLs are not http(s) is left out and reported; /?attachment_id= redirects only to http(s)', async () => {
        const [logo] = FACTS.attachments;
        const broken = await loadDump(DUMP);
        try {
          // The logo: no file to build the uploads URL from, and a script for its guid.
          await broken.query(
            `DELETE FROM wp_postmeta WHERE post_id = ? AND meta_key = '_wp_attached_file'`,
            [logo.id],
          );
          await broken.query(`UPDATE wp_posts SET guid = ? WHERE ID = ?`, [
            'javascript:alert(document.domain)',
            logo.id,
          ]);
          const result = importInto(server, broken, '--content', '--json');
          expect(result.status, result.stderr).toBe(0);
          const summary = json(result);
          expect(
            summary.skipped
              .filter((s: any) => s.kind === 'attachments')
              .map((s: any) => [s.item, s.code]),
          ).toEqual([[logo.slug, 'source_url_invalid']]);
          expect(summary.imported.attachments).toBe(0);
          expect(result.stdout).not.toContain('javascript:');
          const stored = await db().selectFrom('media').select('source_url').execute();
          for (const m of stored) expect(m.source_url ?? '').toMatch(/^https?:\/\//);

          // The file back, under an uploads URL that is a script, and an http guid again: the
          // guid is what the record points at, and where /?attachment_id= sends the browser.
          await broken.query(
            `INSERT INTO wp_postmeta (post_id, meta_key, meta_value) VALUES (?, '_wp_attached_file', ?)`,
            [logo.id, logo.attached_file],
          );
          await broken.query(
            `UPDATE wp_options SET option_value = 'javascript:alert(1)//' WHERE option_name = 'upload_url_path'`,
          );
          await broken.query(`UPDATE wp_posts SET guid = ? WHERE ID = ?`, [logo.guid, logo.id]);
          const again = json(importInto(server, broken, '--content', '--json'));
          expect(again.imported.attachments).toBe(1);
          const media = await db()
            .selectFrom('media')
            .select(['id', 'source_url'])
            .where('slug', '=', logo.slug)
            .executeTakeFirstOrThrow();
          expect(media.source_url).toBe(logo.guid);
          const response = await fetch(`${server.url}/?attachment_id=${media.id}`, {
            redirect: 'manual',
          });
          expect(response.status).toBe(301);
          expect(response.headers.get('location')).toBe(logo.guid);
        } finally {
          await broken.drop();
        }
      });
    });

    describe('usage and connection errors', () => {
      let server: TestServer;
      beforeAll(async () => {
        server = await startTestServer({ store: STORES[0]! });
      });
      afterAll(async () => {
        await server?.close();
      });
      const run = (...args: string[]) =>
        runCli(['import-wordpress', '--data-dir', server.config.dataDir, ...args]);

      it('answers bad input with one line, a stable code and the exit code, never a password', () => {
        const cases: Array<[string[], number, string]> = [
          [[], 2, 'missing --mysql-url'],
          [['--mysql-url', 'postgres://u@h/db'], 2, 'mysql_url_invalid'],
          [
            ['--mysql-url', 'mysql://u@127.0.0.1:3306/db', '--table-prefix', 'wp`;'],
            2,
            'table_prefix_invalid',
          ],
          [['--mysql-url', 'mysql://root:s3cret-pw@127.0.0.1:1/db'], 1, 'mysql_unreachable'],
          [['--mysql-url', 'mysql://root@127.0.0.1:3306/db', '--wat'], 2, 'usage'],
        ];
        for (const [args, status, code] of cases) {
          const result = run(...args, '--json');
          expect(result.status, args.join(' ')).toBe(status);
          expect(JSON.parse(result.stdout).error.code, args.join(' ')).toBe(
            code === 'missing --mysql-url' ? 'usage' : code,
          );
          expect(result.stderr.trim().split('\n')).toHaveLength(1);
          expect(result.stderr).not.toContain('s3cret-pw');
          noStackTrace(result.stderr);
        }
      });

      it('a dry run into a store never migrated previews the import and leaves it unmigrated', async () => {
        const dump = await loadDump(DUMP);
        const dir = mkdtempSync(path.join(tmpdir(), 'latchkey-fresh-'));
        try {
          const result = runCli([
            'import-wordpress',
            '--mysql-url',
            dump.url,
            '--data-dir',
            dir,
            '--dry-run',
            '--json',
          ]);
          expect(result.status, result.stderr).toBe(0);
          const summary = json(result);
          expect(summary).toMatchObject({ dry_run: true, changed: false });
          expect(summary.imported.users).toBe(FACTS.counts.users);
          expect(summary.notes.join('\n')).toContain('scratch store');
          // No installation key was made, and the store is still empty.
          expect(readdirSync(dir).filter((f) => !f.startsWith('latchkey.db'))).toEqual([]);
          const again = runCli(['migrate', '--data-dir', dir, '--json']);
          expect(json(again).applied.length).toBeGreaterThan(0);
        } finally {
          rmSync(dir, { recursive: true, force: true });
          await dump.drop();
        }
      });

      it('a database without WordPress tables (or the wrong prefix) is refused', async () => {
        const dump = await loadDump(DUMP);
        try {
          const result = run('--mysql-url', dump.url, '--table-prefix', 'blog_', '--json');
          expect(result.status).toBe(1);
          expect(JSON.parse(result.stdout).error.code).toBe('not_wordpress');
          expect(result.stderr).toContain('--table-prefix');
        } finally {
          await dump.drop();
        }
      });
    });
  },
);
