/**
 * docs/deploy.md, run (issue 16): each `run:` block of the page is executed here with the
 * example's paths, ports and hosts replaced (the `several-nodes-nginx` configuration is run by
 * nodesBehindNginx.test.ts), and the alert rules are checked against what a server exports.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEPLOY_DOC,
  deployBlocks,
  httpsCall,
  localized,
  runShellBlock,
  selfSignedCertificate,
  stopBlock,
  untilServing,
} from '../helpers/deployDoc.js';
import { proxyMissing } from '../helpers/proxies.js';
import { freePort, startTestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const sqlite = STORES[0]!;
const postgres = STORES.find((s) => s.name === 'postgres');
const redisUrl = process.env.REDIS_URL;
const adminUrl = process.env.DATABASE_URL;
const nginxMissing = proxyMissing('nginx') && process.env.REQUIRE_PROXIES !== '1';

/** Where each block is run: here, or by the several-nodes suite. */
const RUN_HERE = [
  'one-node-tls',
  'behind-proxy',
  'behind-proxy-nginx',
  'several-nodes',
  'upgrade',
  'backup-sqlite',
  'restore-sqlite',
  'backup-postgres',
  'alert-rules',
];
const RUN_ELSEWHERE = ['several-nodes-nginx'];

describe('docs/deploy.md, run', () => {
  let root: string;
  let tls: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'latchkey-deploy-'));
    tls = path.join(root, 'tls');
    mkdirSync(tls);
    selfSignedCertificate(tls);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const dir = (name: string) => path.join(root, name);

  it('every block of the page is marked, and every marked block is run or checked by a test', () => {
    const { blocks, unmarked } = deployBlocks();
    expect(unmarked).toEqual([]);
    expect([...blocks.keys()].sort()).toEqual([...RUN_HERE, ...RUN_ELSEWHERE].sort());
  });

  it('one node, TLS served directly', async () => {
    const port = String(await freePort());
    const script = localized('one-node-tls', [
      ['/var/lib/latchkey', dir('one')],
      ['/etc/latchkey/tls', tls],
      ['8443', port],
      ['--host 0.0.0.0', '--host 127.0.0.1'],
      ['auth.example.com', 'localhost'],
    ]);
    const node = runShellBlock(script, { LATCHKEY_LOG_LEVEL: 'warn' });
    try {
      await untilServing(node);
      const ready = await httpsCall(`https://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      expect(ready.headers['strict-transport-security']).toBe('max-age=31536000');
      expect(node.output().stdout).toContain('Applied 0001_initial');
      expect(node.output().stdout).toContain('one-time password');
    } finally {
      expect(await stopBlock(node)).toBe(0);
    }
  });

  it.skipIf(nginxMissing)(
    `one node behind nginx terminating TLS (--trust-proxy)${nginxMissing ? ' (SKIPPED: nginx is not installed)' : ''}`,
    async () => {
      const port = String(await freePort());
      const nginxPort = await freePort();
      const node = runShellBlock(
        localized('behind-proxy', [
          ['/var/lib/latchkey', dir('proxied')],
          ['8080', port],
        ]),
        { LATCHKEY_LOG_LEVEL: 'warn' },
      );
      const nginxDir = dir('nginx');
      for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
        mkdirSync(path.join(nginxDir, d), { recursive: true });
      const site = localized('behind-proxy-nginx', [
        ['listen 443 ssl;', `listen 127.0.0.1:${nginxPort} ssl;`],
        ['/etc/latchkey/tls', tls],
        ['127.0.0.1:8080', `127.0.0.1:${port}`],
      ]);
      writeFileSync(
        path.join(nginxDir, 'nginx.conf'),
        `${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1; daemon off; pid ${nginxDir}/nginx.pid; error_log ${nginxDir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${nginxDir}/body; proxy_temp_path ${nginxDir}/proxy;
  fastcgi_temp_path ${nginxDir}/fastcgi; uwsgi_temp_path ${nginxDir}/uwsgi; scgi_temp_path ${nginxDir}/scgi;
${site}
}
`,
      );
      const conf = ['-p', nginxDir, '-c', path.join(nginxDir, 'nginx.conf')];
      const check = spawnSync(NGINX, ['-t', ...conf], { encoding: 'utf8' });
      expect(check.status, check.stderr).toBe(0);
      const nginx = spawn(NGINX, conf, { stdio: 'ignore' });
      try {
        await untilServing(node);
        let index: Awaited<ReturnType<typeof httpsCall>> | undefined;
        while (!index)
          index = await httpsCall(`https://127.0.0.1:${nginxPort}/wp-json/`, {
            headers: { host: 'auth.example.com', 'x-forwarded-for': '198.51.100.7' },
          }).catch(async () => {
            await new Promise((r) => setTimeout(r, 50));
            return undefined;
          });
        expect(index.status).toBe(200);
        expect(JSON.parse(index.text).url).toBe('https://auth.example.com');
        // X-Forwarded-Proto is believed from nginx (127.0.0.1): the request counts as HTTPS, so
        // production offers application passwords and a wrong one is refused as such.
        const wrong = await httpsCall(`https://127.0.0.1:${nginxPort}/wp-json/wp/v2/users/me`, {
          headers: {
            host: 'auth.example.com',
            authorization: `Basic ${Buffer.from('admin:abcd efgh ijkl mnop qrst uvwx').toString('base64')}`,
          },
        });
        expect(wrong.status).toBe(401);
        expect(JSON.parse(wrong.text).code).toBe('incorrect_password');
      } finally {
        nginx.kill('SIGTERM');
        expect(await stopBlock(node)).toBe(0);
      }
    },
  );

  const noShared = !postgres || !redisUrl;
  describe.skipIf(noShared)(
    `on PostgreSQL and Redis${noShared ? ' (SKIPPED: DATABASE_URL or REDIS_URL is not set)' : ''}`,
    () => {
      let database: { databaseUrl: string | undefined; drop(): Promise<void> };
      beforeAll(async () => {
        database = await postgres!.create();
      });
      afterAll(() => database?.drop());

      it('upgrade: migrate --status, migrate, migrate --status', async () => {
        const run = runShellBlock(localized('upgrade', []), {
          DATABASE_URL: database.databaseUrl,
          LATCHKEY_DATA_DIR: dir('upgrade'),
        });
        expect(await run.exited).toBe(0);
        const { stdout } = run.output();
        expect(stdout).toMatch(/^postgres store: unmigrated\n/);
        expect(stdout).toContain('Applied 0001_initial');
        expect(stdout).toMatch(/postgres store: current\n( {2}applied .*\n)+$/);
      });

      it('several nodes: secrets from files, the shared environment, one node ready', async () => {
        const secrets = dir('secrets');
        mkdirSync(secrets, { mode: 0o700 });
        writeFileSync(path.join(secrets, 'database_url'), `${database.databaseUrl}\n`);
        writeFileSync(path.join(secrets, 'redis_url'), `${redisUrl}\n`);
        writeFileSync(
          path.join(secrets, 'latchkey_secret'),
          `${randomBytes(32).toString('hex')}\n`,
        );
        const port = String(await freePort());
        const node = runShellBlock(
          localized('several-nodes', [
            ['/run/secrets', secrets],
            ['10.0.0.2', '127.0.0.1'],
            ['/var/lib/latchkey', dir('node')],
            ['--host 0.0.0.0 --port 8080', `--host 127.0.0.1 --port ${port}`],
          ]),
          { LATCHKEY_LOG_LEVEL: 'warn', LATCHKEY_ADMIN_PASSWORD: 'deploy-Admin-1234' },
        );
        try {
          await untilServing(node);
          const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
          expect(await ready.json()).toEqual({ status: 'ready', store: 'ok', redis: 'ok' });
          const health = await fetch(`http://127.0.0.1:${port}/healthz`);
          expect(await health.json()).toMatchObject({ store: 'postgres', rate_limits: 'redis' });
          // Nothing secret was printed.
          const { stdout, stderr } = node.output();
          expect(stdout + stderr).not.toContain(String(database.databaseUrl));
        } finally {
          expect(await stopBlock(node)).toBe(0);
        }
      });

      it('PostgreSQL backup and restore with pg_dump and pg_restore', async () => {
        const server = await startTestServer({
          store: {
            name: 'postgres',
            create: async () => ({ databaseUrl: database.databaseUrl, drop: async () => {} }),
          },
        });
        await server.createUser('dumped', 'author');
        const backups = dir('pg-backups');
        mkdirSync(backups);
        const restoredName = `latchkey_test_${randomBytes(6).toString('hex')}`;
        const restoredUrl = new URL(adminUrl!);
        restoredUrl.pathname = `/${restoredName}`;
        try {
          // Taken while the server runs.
          const run = runShellBlock(
            localized('backup-postgres', [
              ['/var/backups/latchkey', backups],
              ['--host=db.example.com --username=postgres', `--host=127.0.0.1 --username=postgres`],
              ['latchkey_restored', restoredName],
            ]),
            {
              DATABASE_URL: database.databaseUrl,
              RESTORED_DATABASE_URL: restoredUrl.toString(),
              LATCHKEY_DATA_DIR: dir('pg-node'),
            },
          );
          expect(await run.exited, run.output().stderr).toBe(0);
          expect(run.output().stdout).toContain('postgres store: current');
          const client = new pg.Client({ connectionString: restoredUrl.toString() });
          await client.connect();
          const { rows } = await client.query("SELECT login FROM users WHERE login = 'dumped'");
          await client.end();
          expect(rows).toEqual([{ login: 'dumped' }]);
        } finally {
          await server.close();
          const admin = new pg.Client({ connectionString: adminUrl });
          await admin.connect();
          await admin.query(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`);
          await admin.end();
        }
      });
    },
  );

  it('SQLite backup while serving, and restore into an empty data dir', async () => {
    const data = dir('var-lib');
    const server = await startTestServer({ store: sqlite, dataDir: data });
    await server.createUser('backedup', 'author');
    const backups = dir('backups');
    const keys = dir('backup-key');
    const restored = dir('restored');
    try {
      const backup = runShellBlock(
        localized('backup-sqlite', [
          ['/var/lib/latchkey', data],
          ['/var/backups/latchkey-key', keys],
          ['/var/backups/latchkey', backups],
        ]),
      );
      expect(await backup.exited, backup.output().stderr).toBe(0);
      expect(backup.output().stdout).toContain('Backed up the store to');
    } finally {
      await server.close();
    }
    const restore = runShellBlock(
      localized('restore-sqlite', [
        ['/var/lib/latchkey-restored', restored],
        ['/var/backups/latchkey-key', keys],
        ['/var/backups/latchkey', backups],
      ]),
    );
    expect(await restore.exited, restore.output().stderr).toBe(0);
    expect(restore.output().stdout).toContain('sqlite store: current');
    const again = await startTestServer({ store: sqlite, dataDir: restored });
    try {
      const users = await again.latchkey.store.db
        .selectFrom('users')
        .select('login')
        .where('login', '=', 'backedup')
        .execute();
      expect(users).toEqual([{ login: 'backedup' }]);
    } finally {
      await again.close();
    }
  });

  it('the alert rules name only metrics the server exports', async () => {
    const server = await startTestServer({ store: sqlite, config: { metricsToken: 'scrape' } });
    try {
      const text = await (
        await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer scrape' } })
      ).text();
      const exported = new Set(
        [...text.matchAll(/^# TYPE (latchkey_\w+) (\w+)$/gm)].flatMap(([, name, type]) =>
          type === 'histogram' ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name!],
        ),
      );
      const rules = localized('alert-rules', []);
      const named = new Set([...rules.matchAll(/\blatchkey_\w+/g)].map(([name]) => name));
      expect(named.size).toBeGreaterThan(5);
      expect([...named].filter((name) => !exported.has(name))).toEqual([]);
      // And the metrics table of the page lists what the rules use.
      const table = readFileSync(DEPLOY_DOC, 'utf8');
      for (const name of named)
        expect(table).toContain(`| \`${name.replace(/_(bucket|count|sum)$/, '')}\``);
    } finally {
      await server.close();
    }
  });
});
