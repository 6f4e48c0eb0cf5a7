import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserClient } from '../helpers/browserClient.js';
import { runCli, startCliServer } from '../helpers/cli.js';
import { freePort } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

describe('latchkey configuration errors, SPEC §10', () => {
  it.each([
    [
      ['serve', '--port', 'abc'],
      'latchkey: invalid --port: expected an integer from 0 to 65535, got "abc"',
    ],
    [
      ['serve', '--env', 'prod'],
      'latchkey: invalid --env: expected local | development | production, got "prod"',
    ],
    [['serve', '--no-such-flag'], "latchkey: Unknown option '--no-such-flag'"],
    [['frobnicate'], 'latchkey: unknown command "frobnicate"; run "latchkey help"'],
  ])('%j exits 2 with one line', (args, line) => {
    const result = runCli(args);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toContain(line);
  });
});

describe('the documented `npx latchkey`', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
  const shim = path.join(root, 'packages/server/bin/latchkey.js');

  it('is linked by npm install and runs the built command', () => {
    // npm links a bin only if its target exists at install time; the committed shim always does.
    const linked = path.join(root, 'node_modules/.bin/latchkey');
    expect(realpathSync(linked)).toBe(realpathSync(shim));
    const result = spawnSync('npx', ['--no', '--', 'latchkey', 'help'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('latchkey: authentication server for APIs');
  });

  it('says what to do when the server is not built yet', () => {
    const bare = mkdtempSync(path.join(tmpdir(), 'latchkey-unbuilt-'));
    try {
      mkdirSync(path.join(bare, 'bin'));
      copyFileSync(shim, path.join(bare, 'bin/latchkey.js'));
      writeFileSync(path.join(bare, 'package.json'), '{"type":"module"}');
      const result = spawnSync(process.execPath, [path.join(bare, 'bin/latchkey.js'), 'help'], {
        encoding: 'utf8',
      });
      expect(result.status).toBe(2);
      expect(result.stderr.trim()).toBe(
        'latchkey: the server is not built yet; run `npm run build` (npm start and npm test build it too).',
      );
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});

describe.each(STORES)('latchkey CLI, SPEC §2, §6.5, §10 ($name)', (store) => {
  let dataDir: string;
  let database: Awaited<ReturnType<typeof store.create>>;
  let common: string[];
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-cli-'));
    database = await store.create();
    common = [
      '--data-dir',
      dataDir,
      ...(database.databaseUrl ? ['--database-url', database.databaseUrl] : []),
    ];
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('other commands refuse a store that is not migrated, with one line; migrate --status tells', () => {
    const refused = runCli(['user', 'list', ...common]);
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^latchkey: the ${store.name} store needs \\d+ migration\\(s\\) .*run "latchkey migrate" first`,
      ),
    );
    const status = runCli(['migrate', '--status', '--json', ...common]);
    expect(status.status).toBe(1);
    expect(JSON.parse(status.stdout)).toMatchObject({
      store: store.name,
      state: 'unmigrated',
      applied: [],
      pending: expect.arrayContaining(['0001_initial']),
    });
    // --status changed nothing: the store is still refused.
    expect(runCli(['user', 'list', ...common]).status).toBe(1);
  });

  it('migrate applies once, then has nothing to do', () => {
    const first = runCli(['migrate', ...common, '--json']);
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      store: store.name,
      applied: expect.arrayContaining(['0001_initial']),
    });
    const second = runCli(['migrate', ...common]);
    expect(second.stdout).toMatch(/Nothing to apply/);
    const status = runCli(['migrate', '--status', ...common]);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain(`${store.name} store: current`);
    expect(status.stdout).toContain('  applied  0001_initial');
  });

  it('a store migrated by a newer Latchkey is refused, not touched', async () => {
    const { openStore } = await import('../../src/store/index.js');
    const opened = openStore({ databaseUrl: database.databaseUrl, dataDir });
    const future = '9999_from_the_future';
    try {
      await opened.db
        .insertInto('kysely_migration' as never)
        .values({ name: future, timestamp: new Date().toISOString() } as never)
        .execute();
      const refused = runCli(['user', 'list', ...common]);
      expect(refused.status).toBe(1);
      expect(refused.stderr.trim()).toBe(
        `latchkey: the ${store.name} store was migrated by a newer Latchkey (${future}): run that version instead`,
      );
      const status = JSON.parse(runCli(['migrate', '--status', '--json', ...common]).stdout);
      expect(status).toMatchObject({ state: 'newer', unknown: [future] });
    } finally {
      await opened.db
        .deleteFrom('kysely_migration' as never)
        .where('name' as never, '=', future as never)
        .execute();
      await opened.close();
    }
    expect(runCli(['user', 'list', ...common]).status).toBe(0);
  });

  it('serve prints the first administrator password once; it signs in; a restart prints nothing', async () => {
    const port = await freePort();
    const server = startCliServer([
      ...common,
      '--env',
      'local',
      '--port',
      String(port),
      '--log-level',
      'warn',
    ]);
    await server.ready;
    const { stdout } = server.output();
    const password = /one-time password: ([A-Za-z0-9]{24})/.exec(stdout)?.[1];
    expect(password).toBeDefined();
    const browser = new BrowserClient(`http://127.0.0.1:${port}`);
    const signIn = await browser.signIn('admin', password!);
    expect(signIn.status).toBe(302);
    // SPEC §6.5: the password is single-use; this session may only replace it.
    expect(signIn.headers.get('location')).toBe('/account/password');
    expect(await server.stop()).toBe(0);
    expect(statSync(path.join(dataDir, 'installation.key')).mode & 0o777).toBe(0o600);
    if (store.name === 'sqlite')
      expect(statSync(path.join(dataDir, 'latchkey.db')).isFile()).toBe(true);

    const again = startCliServer([
      ...common,
      '--env',
      'local',
      '--port',
      String(port),
      '--log-level',
      'warn',
    ]);
    await again.ready;
    expect(again.output().stdout).not.toMatch(/password/i);
    // The session made before the restart is still valid: sessions live in the store.
    expect((await browser.get('/account/password')).status).toBe(200);
    expect(await again.stop()).toBe(0);
  });

  it('user create, list, set-role, set-password, disable, enable with --json', () => {
    const created = runCli([
      'user',
      'create',
      'carol',
      '--email',
      'carol@example.com',
      '--role',
      'editor',
      '--json',
      ...common,
    ]);
    expect(created.status).toBe(0);
    const carol = JSON.parse(created.stdout);
    expect(carol).toMatchObject({ login: 'carol', role: 'editor', disabled: false });
    expect(carol.password).toMatch(/^[A-Za-z0-9]{24}$/);

    const list = JSON.parse(runCli(['user', 'list', '--json', ...common]).stdout) as Array<{
      login: string;
    }>;
    expect(list.map((u) => u.login)).toContain('carol');
    const table = runCli(['user', 'list', ...common]).stdout;
    expect(table.split('\n')[0]).toMatch(/^ID\s+LOGIN\s+EMAIL\s+ROLE\s+STATUS$/);

    expect(
      JSON.parse(runCli(['user', 'set-role', 'Carol', 'author', '--json', ...common]).stdout).role,
    ).toBe('author');
    const pw = JSON.parse(
      runCli(['user', 'set-password', 'carol', '--password', 'a-new-Pass-123', '--json', ...common])
        .stdout,
    );
    expect(pw).toEqual({ login: 'carol', sessions_ended: 0 });
    // SPEC §6.5: carol is told, in the outbox here, and the mail holds no password.
    const notices = readdirSync(path.join(dataDir, 'outbox'))
      .map((f) => readFileSync(path.join(dataDir, 'outbox', f), 'utf8'))
      .filter((m) => m.includes('Your password was changed'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^To: carol@example\.com$/m);
    expect(notices[0]).not.toContain('a-new-Pass-123');
    expect(
      JSON.parse(runCli(['user', 'disable', 'carol', '--json', ...common]).stdout),
    ).toMatchObject({ disabled: true });
    expect(
      JSON.parse(runCli(['user', 'enable', 'carol', '--json', ...common]).stdout),
    ).toMatchObject({ disabled: false });
  });

  it('refuses clearly: unknown user (1), bad role (2), duplicate (1), weak password (1)', () => {
    const unknown = runCli(['user', 'set-role', 'nobody', 'author', ...common]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim()).toBe('latchkey: No user with login "nobody".');
    const badRole = runCli(['user', 'set-role', 'carol', 'overlord', ...common]);
    expect(badRole.status).toBe(2);
    expect(badRole.stderr).toContain('unknown role "overlord"');
    const dup = runCli([
      'user',
      'create',
      'carol',
      '--email',
      'c2@example.com',
      '--json',
      ...common,
    ]);
    expect(dup.status).toBe(1);
    expect(JSON.parse(dup.stdout).error.code).toBe('refused');
    const weak = runCli([
      'user',
      'create',
      'dave',
      '--email',
      'd@example.com',
      '--password',
      'short',
      ...common,
    ]);
    expect(weak.status).toBe(1);
    expect(weak.stderr).toContain('at least 8 characters');
    // SPEC §6.5: the common list and the login apply on the CLI as everywhere.
    const common1 = runCli([
      'user',
      'set-password',
      'carol',
      '--password',
      'password123',
      ...common,
    ]);
    expect(common1.status).toBe(1);
    expect(common1.stderr).toContain('one of the most common passwords');
    const own = runCli(['user', 'set-password', 'carol', '--password', 'xx-CAROL-2031', ...common]);
    expect(own.status).toBe(1);
    expect(own.stderr).toContain('must not contain your username');
    const noEmail = runCli(['user', 'create', 'erin', ...common]);
    expect(noEmail.status).toBe(2);
  });

  it('user create --invite: no password; a set-password link valid 24 h is mailed (here to the outbox)', () => {
    const both = runCli([
      'user',
      'create',
      'ivy',
      '--email',
      'ivy@example.com',
      '--invite',
      '--password',
      'Ivy-pass-1234',
      ...common,
    ]);
    expect(both.status).toBe(2);
    const created = runCli([
      'user',
      'create',
      'ivy',
      '--email',
      'ivy@example.com',
      '--invite',
      '--json',
      ...common,
    ]);
    expect(created.status, created.stderr).toBe(0);
    const ivy = JSON.parse(created.stdout);
    expect(ivy).toMatchObject({
      login: 'ivy',
      invitation: { sent_to: 'ivy@example.com', delivered: 'outbox' },
    });
    expect(ivy).not.toHaveProperty('password');
    expect(Date.parse(ivy.invitation.expires) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    const outbox = path.join(dataDir, 'outbox');
    const mails = readdirSync(outbox)
      .map((f) => readFileSync(path.join(outbox, f), 'utf8'))
      .filter((m) => m.includes('You have been invited'));
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatch(/^To: ivy@example\.com$/m);
    expect(mails[0]!.replace(/=\r?\n/g, '').replace(/=3D/g, '=')).toMatch(
      /\/login\/reset-password\?key=[A-Za-z0-9_-]{43,}&login=ivy/,
    );
  });
});

describe.each(STORES)('latchkey app-password, SPEC §3.1, §10 ($name)', (store) => {
  let dataDir: string;
  let database: Awaited<ReturnType<typeof store.create>>;
  let common: string[];
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-cli-ap-'));
    database = await store.create();
    common = [
      '--data-dir',
      dataDir,
      ...(database.databaseUrl ? ['--database-url', database.databaseUrl] : []),
    ];
    expect(runCli(['migrate', ...common]).status).toBe(0);
    expect(
      runCli([
        'user',
        'create',
        'appy',
        '--email',
        'appy@example.com',
        '--role',
        'author',
        ...common,
      ]).status,
    ).toBe(0);
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates (password shown once), lists without secrets, revokes one and all', () => {
    const created = runCli([
      'app-password',
      'create',
      'appy',
      '--name',
      'Backup script',
      '--app-id',
      '3f0b8c1e-9d7a-4e2b-8c5d-1a2b3c4d5e6f',
      '--json',
      ...common,
    ]);
    expect(created.status).toBe(0);
    const one = JSON.parse(created.stdout);
    expect(one).toMatchObject({
      name: 'Backup script',
      app_id: '3f0b8c1e-9d7a-4e2b-8c5d-1a2b3c4d5e6f',
      user_login: 'appy',
    });
    expect(one.password).toMatch(/^[A-Za-z0-9]{24}$/);
    const human = runCli(['app-password', 'create', 'appy', '--name', 'Phone', ...common]);
    expect(human.stdout).toMatch(/Password \(shown once\): ([A-Za-z0-9]{4} ){5}[A-Za-z0-9]{4}/);
    expect(human.stdout).toContain('The owner was told at appy@example.com');
    // SPEC §3.4: every creation path mails the owner, the command line too (here to the outbox,
    // as no SMTP_URL is set); the notice names the password and never holds it.
    expect(one.notice).toEqual({ sent_to: 'appy@example.com', delivered: 'outbox' });
    const outbox = path.join(dataDir, 'outbox');
    const notices = readdirSync(outbox)
      .map((f) => readFileSync(path.join(outbox, f), 'utf8'))
      .filter((m) => m.includes('New application password created'));
    expect(notices).toHaveLength(2);
    for (const mail of notices) expect(mail).toMatch(/^To: appy@example\.com$/m);
    expect(notices.join('\n')).toContain('Backup script');
    expect(notices.join('\n')).not.toContain(one.password);

    const list = runCli(['app-password', 'list', 'appy', '--json', ...common]);
    const items = JSON.parse(list.stdout) as Array<Record<string, unknown>>;
    expect(items.map((i) => i.name)).toEqual(['Backup script', 'Phone']);
    expect(list.stdout).not.toContain(one.password);
    expect(items[0]).not.toHaveProperty('password');

    const revoked = runCli(['app-password', 'revoke', 'appy', one.uuid, '--json', ...common]);
    expect(JSON.parse(revoked.stdout)).toMatchObject({
      deleted: true,
      previous: { uuid: one.uuid },
    });
    const missing = runCli(['app-password', 'revoke', 'appy', one.uuid, ...common]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('No application password');
    expect(
      JSON.parse(runCli(['app-password', 'revoke', 'appy', '--all', '--json', ...common]).stdout),
    ).toEqual({ deleted: true, count: 1 });
  });

  it('refuses clearly', () => {
    expect(runCli(['app-password', 'create', 'appy', ...common]).status).toBe(2);
    expect(
      runCli(['app-password', 'create', 'appy', '--name', 'x', '--app-id', 'NOPE', ...common])
        .status,
    ).toBe(2);
    expect(runCli(['app-password', 'list', 'ghost', ...common]).status).toBe(1);
    expect(runCli(['app-password', 'frob', 'appy', ...common]).status).toBe(2);
  });
});
