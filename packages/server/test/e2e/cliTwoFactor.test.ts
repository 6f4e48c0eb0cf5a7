import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/index.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { runCli } from '../helpers/cli.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { enableTotp } from '../helpers/twoFactor.js';

describe('latchkey 2fa usage, SPEC §10', () => {
  it.each([
    [['2fa'], 'unknown command "2fa ": expected status or reset'],
    [['2fa', 'disable', 'dora'], 'unknown command "2fa disable": expected status or reset'],
    [['2fa', 'status'], 'missing <login>'],
    [['2fa', 'reset', 'a', 'b'], 'unexpected argument "b"'],
    [['2fa', 'status', 'dora', '--force'], "Unknown option '--force'"],
  ])('%j exits 2 with one line', (args, line) => {
    const result = runCli(args);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toContain(`latchkey: ${line}`);
  });

  it('is in the help', () => {
    const help = runCli(['help']).stdout;
    expect(help).toContain('latchkey 2fa status <login>');
    expect(help).toContain('latchkey 2fa reset <login>');
  });
});

describe.each(STORES)('latchkey 2fa status|reset, SPEC §6.3, §10 ($name)', (store) => {
  let dataDir: string;
  let server: TestServer;
  let common: string[];
  let dora: User;
  let doraBrowser: BrowserClient;

  beforeAll(async () => {
    // The CLI works on the same store and data directory as a running server.
    dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-cli-2fa-'));
    server = await startTestServer({ store, dataDir });
    common = [
      '--data-dir',
      dataDir,
      ...(server.config.databaseUrl ? ['--database-url', server.config.databaseUrl] : []),
    ];
    dora = await server.createUser('dora', 'editor');
    doraBrowser = new BrowserClient(server.url);
    expect((await doraBrowser.signIn('dora', 'arod-Pass-1234')).status).toBe(302);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('status: a user without two-factor', () => {
    const text = runCli(['2fa', 'status', 'dora', ...common]);
    expect(text.status).toBe(0);
    expect(text.stdout.trim()).toBe('dora does not use two-factor authentication.');
    const json = runCli(['2fa', 'status', 'DORA', '--json', ...common]);
    expect(JSON.parse(json.stdout)).toEqual({
      login: 'dora',
      enabled: [],
      primary: null,
      available: [],
      backup_codes_remaining: 0,
      webauthn: [],
    });
  });

  it('status --json is the REST status plus the login', async () => {
    await enableTotp(server, dora);
    await server.latchkey.ctx.twoFactor.regenerateBackupCodes(dora);

    const admin = new BrowserClient(server.url);
    await admin.signIn('admin', ADMIN_PASSWORD);
    const nonce = await admin.restNonce();
    const rest = await admin.request(`/wp-json/latchkey/v1/users/${dora.id}/two-factor`, {
      headers: { 'x-wp-nonce': nonce },
    });
    expect(rest.status).toBe(200);

    const json = runCli(['2fa', 'status', 'dora', '--json', ...common]);
    expect(json.status).toBe(0);
    const status = JSON.parse(json.stdout);
    expect(status).toEqual({ login: 'dora', ...JSON.parse(rest.text_) });
    expect(status).toMatchObject({
      enabled: ['totp', 'backup_codes'],
      primary: 'totp',
      backup_codes_remaining: 10,
      webauthn: [],
    });

    const text = runCli(['2fa', 'status', 'dora', ...common]).stdout;
    expect(text).toContain('dora uses two-factor authentication.');
    expect(text).toContain('Enabled: Authenticator app (totp), Recovery code (backup_codes)');
    expect(text).toContain('Primary: Authenticator app (totp)');
    expect(text).toContain('Recovery codes left: 10');
    expect(text).toContain('Security keys: 0');
  });

  it('reset removes every factor, ends the sessions and is audited as the CLI', async () => {
    const db = server.latchkey.store.db;
    const sessions = await db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', dora.id)
      .execute();
    expect(sessions.length).toBe(2);
    expect((await doraBrowser.get('/account')).status).toBe(200);

    const reset = runCli(['2fa', 'reset', 'dora', '--json', ...common]);
    expect(reset.status).toBe(0);
    expect(JSON.parse(reset.stdout)).toEqual({
      login: 'dora',
      reset: true,
      removed: ['totp', 'backup_codes'],
      sessions_ended: 2,
      status: {
        enabled: [],
        primary: null,
        available: [],
        backup_codes_remaining: 0,
        webauthn: [],
      },
    });
    expect((await doraBrowser.get('/account')).status).toBe(302);
    expect(await server.latchkey.ctx.twoFactor.status(dora)).toMatchObject({ enabled: [] });

    const row = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('event', '=', 'two_factor.reset')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ credential: 'cli', ip: 'cli', user_agent: 'latchkey-cli' });
    expect(Number(row.user_id)).toBe(dora.id);
    expect(JSON.parse(row.details)).toEqual({
      by: null,
      providers: ['totp', 'backup_codes'],
      sessions_ended: 2,
    });

    const again = runCli(['2fa', 'reset', 'dora', ...common]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(
      'Reset two-factor authentication of dora: removed nothing (none was enabled); ended 0 session(s).',
    );
    expect(again.stdout).toContain('dora now signs in with the password alone.');
    expect((await new BrowserClient(server.url).signIn('dora', 'arod-Pass-1234')).status).toBe(302);
  });

  it('an unknown user is refused with exit code 1', () => {
    for (const sub of ['status', 'reset']) {
      const result = runCli(['2fa', sub, 'nobody', ...common]);
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe('latchkey: No user with login "nobody".');
      const json = runCli(['2fa', sub, 'nobody', '--json', ...common]);
      expect(json.status).toBe(1);
      expect(JSON.parse(json.stdout)).toEqual({
        error: { code: 'refused', message: 'No user with login "nobody".' },
      });
    }
  });
});
