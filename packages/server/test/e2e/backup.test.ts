/**
 * `latchkey backup` and `latchkey restore` (issue 16, docs/deploy.md): a SQLite store backed up
 * while the server writes, restored into an empty data dir, served again with every write that
 * was acknowledged before the backup began.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { CLI, runCli } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const sqlite = STORES[0]!;

describe('latchkey backup and restore (SQLite), issue 16', () => {
  let server: TestServer;
  let work: string;
  beforeAll(async () => {
    server = await startTestServer({ store: sqlite });
    work = mkdtempSync(path.join(tmpdir(), 'latchkey-backup-'));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('backs up while the server writes; the restored store holds every write acknowledged before', async () => {
    const auth = basic('admin', (await makeApplicationPassword(server, 1, 'writer')).password);
    const acknowledged: { id: number; at: number }[] = [];
    let writing = true;
    const writer = async (w: number) => {
      for (let i = 0; writing; i++) {
        const created = await api(server, 'POST', '/wp/v2/posts', {
          auth,
          body: { title: `w${w}-${i}`, content: 'kept', status: 'publish' },
        });
        expect(created.status).toBe(201);
        acknowledged.push({ id: created.json.id, at: performance.now() });
      }
    };
    const writers = Promise.all([0, 1, 2].map(writer));
    while (acknowledged.length < 20) await new Promise((r) => setTimeout(r, 20));

    const file = path.join(work, 'latchkey-backup.db');
    const began = performance.now();
    const backup = spawn(
      process.execPath,
      [CLI, 'backup', file, '--data-dir', server.config.dataDir, '--json'],
      { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    backup.stdout.on('data', (d) => (stdout += String(d)));
    backup.stderr.on('data', (d) => (stderr += String(d)));
    const status = await new Promise<number | null>((resolve) => backup.once('exit', resolve));
    const during = acknowledged.filter((w) => w.at > began).length;
    writing = false;
    await writers;
    expect(status, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ backup: file, store: 'sqlite' });
    // It holds hashes of passwords and tokens: readable by its owner only.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const before = acknowledged.filter((w) => w.at < began).map((w) => w.id);
    console.log(`backup: ${before.length} writes before it began, ${during} while it ran`);

    // Into an empty data dir, with the installation key put there first.
    const restoredDir = path.join(work, 'restored');
    const noKey = runCli(['restore', file, '--data-dir', restoredDir]);
    expect(noKey.status).toBe(2);
    expect(noKey.stderr.trim()).toMatch(/^latchkey: put the original installation.key in .* first/);
    mkdirSync(restoredDir, { mode: 0o700 });
    copyFileSync(
      path.join(server.config.dataDir, 'installation.key'),
      path.join(restoredDir, 'installation.key'),
    );
    const restored = runCli(['restore', file, '--data-dir', restoredDir, '--json']);
    expect(restored.status, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ state: 'current' });
    const again = runCli(['restore', file, '--data-dir', restoredDir]);
    expect(again.status).toBe(2);
    expect(again.stderr.trim()).toMatch(/already holds a store; restore into an empty data dir$/);

    const second = await startTestServer({ store: sqlite, dataDir: restoredDir });
    try {
      const reader = basic('admin', (await makeApplicationPassword(second, 1, 'reader')).password);
      const found = new Set<number>();
      for (let page = 1; ; page++) {
        const list = await api(second, 'GET', `/wp/v2/posts?per_page=100&page=${page}&_fields=id`, {
          auth: reader,
        });
        expect(list.status).toBe(200);
        for (const post of list.json as { id: number }[]) found.add(post.id);
        // By the total, not a short page: a multiple of 100 posts has no short page.
        if (page >= Number(list.headers.get('x-wp-totalpages'))) break;
      }
      expect(before.filter((id) => !found.has(id))).toEqual([]);
      // The writer's application password came along: same key, same hashes.
      expect((await api(second, 'GET', '/wp/v2/users/me', { auth })).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('refuses clearly: an existing file, a missing backup, PostgreSQL', () => {
    const existing = path.join(work, 'exists.db');
    copyFileSync(path.join(server.config.dataDir, 'installation.key'), existing);
    const taken = runCli(['backup', existing, '--data-dir', server.config.dataDir]);
    expect(taken.status).toBe(2);
    expect(taken.stderr.trim()).toMatch(/exists already; name a new file$/);
    const missing = runCli(['restore', path.join(work, 'nope.db'), '--data-dir', work]);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^latchkey: no backup at /);
    expect(runCli(['backup', '--data-dir', work]).status).toBe(2);
    const pg = runCli(['restore', existing, '--database-url', 'postgres://127.0.0.1:1/x']);
    expect(pg.status).toBe(2);
    expect(pg.stderr).toContain('for PostgreSQL use pg_restore');
    expect(existsSync(path.join(work, 'latchkey.db'))).toBe(false);
  });
});
