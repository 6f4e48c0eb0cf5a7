#!/usr/bin/env node
/**
 * Benchmark of `latchkey import-wordpress`: generates a WordPress-shaped MariaDB database (the
 * schema of the 6.1 fixture, then N users with M application passwords each, every tenth user
 * with TOTP and ten recovery codes), imports it into a fresh SQLite store in a child process and
 * reports the time and the child's peak memory (process.resourceUsage().maxRSS). The database
 * and the store are removed afterwards.
 *
 *   npm run build -w @latchkey/server
 *   node bench/wordpress-import.mjs [--users 10000] [--per-user 2] [--mysql-url mysql://root@127.0.0.1:3306]
 *
 * Hashes: real phpass hashes take milliseconds each (2^13 MD5 rounds), so 30,000 of them would
 * take minutes to make; the generator reuses the WordPress-made hashes of the test fixture (one
 * for every account password, one for every phpass application password and recovery code). The
 * importer copies hashes without verifying them, so this changes nothing it measures. One
 * application password in ten gets a distinct `$generic$` hash (cheap to compute).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.join(ROOT, 'packages/server/dist');

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    'per-user': { type: 'string', default: '2' },
    'mysql-url': {
      type: 'string',
      default: process.env.MARIADB_URL ?? 'mysql://root@127.0.0.1:3306',
    },
    // Internal: the child that runs the import and measures itself.
    'run-import': { type: 'string' },
    'data-dir': { type: 'string' },
  },
});

if (values['run-import']) {
  const { openStore } = await import(path.join(DIST, 'store/index.js'));
  const { importWordpress } = await import(path.join(DIST, 'wordpress-import/index.js'));
  const { deriveKeys } = await import(path.join(DIST, 'crypto/index.js'));
  const store = openStore({ databaseUrl: undefined, dataDir: values['data-dir'] });
  await store.migrate();
  const started = performance.now();
  const summary = await importWordpress({
    db: store.db,
    dialect: store.dialect,
    keys: deriveKeys(randomBytes(32)),
    mysqlUrl: values['run-import'],
  });
  const ms = performance.now() - started;
  await store.close();
  console.log(JSON.stringify({ ms, maxRssKiB: process.resourceUsage().maxRSS, summary }));
  process.exit(0);
}

const mysql = (await import('mysql2/promise')).default;
const { hashApplicationPassword } = await import(path.join(DIST, 'app-passwords/index.js'));
const users = Number(values.users);
const perUser = Number(values['per-user']);
const facts = JSON.parse(
  readFileSync(
    path.join(ROOT, 'packages/server/test/fixtures/wordpress-import/facts.json'),
    'utf8',
  ),
);
const ACCOUNT_HASH = facts.users[0].password_hash;
const AP_HASH = facts.application_passwords[0].stored_hash;
const CODE_HASH = facts.two_factor.ada.backup_code_hashes[0];
// The fixture's schema without its rows.
const schema = readFileSync(
  path.join(ROOT, 'packages/server/test/fixtures/wordpress-import/wordpress.sql'),
  'utf8',
)
  .split('\n')
  .filter((line) => !line.startsWith('INSERT INTO'))
  .join('\n');

const s = (text) => `s:${Buffer.byteLength(text)}:"${text}";`;
const uuid = () => {
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
const ROLES = ['subscriber', 'subscriber', 'subscriber', 'contributor', 'author', 'editor'];

const name = `latchkey_bench_wp_${randomBytes(5).toString('hex')}`;
const admin = await mysql.createConnection({ uri: values['mysql-url'], multipleStatements: true });
const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-bench-import-'));
try {
  const genStarted = performance.now();
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci`);
  await admin.changeUser({ database: name });
  await admin.query(schema);
  await admin.query(
    "INSERT INTO wp_options (option_name, option_value, autoload) VALUES ('siteurl','http://bench.example.test','yes'),('home','http://bench.example.test','yes'),('blogname','Bench','yes'),('blogdescription','Generated','yes'),('timezone_string','Europe/Berlin','yes')",
  );
  let passwords = 0;
  for (let start = 1; start <= users; start += 1000) {
    const ids = Array.from({ length: Math.min(1000, users - start + 1) }, (_, i) => start + i);
    await admin.query(
      'INSERT INTO wp_users (ID, user_login, user_pass, user_nicename, user_email, user_url, user_registered, user_activation_key, user_status, display_name) VALUES ?',
      [
        ids.map((id) => [
          id,
          `user${id}`,
          ACCOUNT_HASH,
          `user${id}`,
          `user${id}@bench.example.test`,
          '',
          '2023-01-01 00:00:00',
          '',
          0,
          `User ${id}`,
        ]),
      ],
    );
    const meta = [];
    for (const id of ids) {
      const role = ROLES[id % ROLES.length];
      meta.push([id, 'wp_capabilities', `a:1:{${s(role)}b:1;}`]);
      meta.push(
        [id, 'first_name', 'User'],
        [id, 'last_name', String(id)],
        [id, 'nickname', `user${id}`],
      );
      const records = Array.from({ length: perUser }, (_, i) => {
        passwords++;
        const hash =
          passwords % 10 === 0
            ? hashApplicationPassword(randomBytes(18).toString('base64url'))
            : AP_HASH;
        return `i:${i};a:7:{${s('uuid')}${s(uuid())}${s('app_id')}${s('')}${s('name')}${s(`App ${i + 1}`)}${s('password')}${s(hash)}${s('created')}i:1796161856;${s('last_used')}N;${s('last_ip')}N;}`;
      });
      meta.push([id, '_application_passwords', `a:${perUser}:{${records.join('')}}`]);
      if (id % 10 === 0) {
        meta.push([
          id,
          '_two_factor_enabled_providers',
          `a:2:{i:0;${s('Two_Factor_Totp')}i:1;${s('Two_Factor_Backup_Codes')}}`,
        ]);
        meta.push([id, '_two_factor_provider', 'Two_Factor_Totp']);
        meta.push([id, '_two_factor_totp_key', 'EFPDWP3XPRVSYTTIHJBTAL3INJZWIIZN']);
        meta.push([
          id,
          '_two_factor_backup_codes',
          `a:10:{${Array.from({ length: 10 }, (_, i) => `i:${i};${s(CODE_HASH)}`).join('')}}`,
        ]);
      }
    }
    await admin.query('INSERT INTO wp_usermeta (user_id, meta_key, meta_value) VALUES ?', [meta]);
  }
  const genSeconds = (performance.now() - genStarted) / 1000;
  const url = new URL(values['mysql-url']);
  url.pathname = `/${name}`;
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--run-import', url.toString(), '--data-dir', dataDir],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`import failed:\n${child.stdout}\n${child.stderr}`);
  const { ms, maxRssKiB, summary } = JSON.parse(child.stdout.trim().split('\n').pop());
  console.log(
    `Generated ${users} users and ${passwords} application passwords in ${genSeconds.toFixed(1)} s (database ${name}).`,
  );
  console.log(
    `Imported into SQLite: ${summary.imported.users} users, ${summary.imported.application_passwords} application passwords, ${summary.imported.two_factor} two-factor users, ${summary.skipped.length} skipped.`,
  );
  console.log(
    `Import time: ${(ms / 1000).toFixed(2)} s (importer's own figure: ${(summary.duration_ms / 1000).toFixed(2)} s).`,
  );
  console.log(
    `Peak memory of the importing process (maxRSS): ${(maxRssKiB / 1024).toFixed(0)} MiB.`,
  );
  console.log(`Node ${process.version}, ${(await import('node:os')).cpus().length} CPUs.`);
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
}
