/**
 * `latchkey serve` and its signals (issue 16): secrets given as flags are warned about (never
 * printed); SIGTERM shuts down gracefully with exit 0; a second signal, or the shutdown
 * deadline, forces it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startCliServer } from '../helpers/cli.js';
import { freePort } from '../helpers/server.js';

const SECRET = 'installation-key-given-on-the-command-line-0123456789';
const logLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; level: number; [k: string]: unknown });

/** Headers sent, body not finished: the server is handling it (Fastify logs its arrival). */
function requestInFlight(port: number) {
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/wp-json/wp/v2/posts',
    headers: { 'content-type': 'application/json', 'content-length': '100' },
  });
  const outcome = new Promise<'answered' | 'cut'>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve('answered'));
    });
    req.on('error', () => resolve('cut'));
  });
  req.write('{"title":');
  return outcome;
}

describe('latchkey serve: warnings and signals, issue 16', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const serve = async (args: string[] = []) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-signals-'));
    dirs.push(dataDir);
    const port = await freePort();
    const server = startCliServer(['--data-dir', dataDir, '--port', String(port), ...args], {
      LATCHKEY_ENV: 'local',
      LATCHKEY_ADMIN_PASSWORD: 'signals-Admin-1234',
      LATCHKEY_LOG_LEVEL: 'info',
    });
    await server.ready;
    return { ...server, port };
  };
  const until = (what: () => boolean) =>
    vi.waitFor(() => expect(what()).toBe(true), { timeout: 20_000, interval: 25 });

  it('warns about a secret given as a flag, naming the flag and never the value; SIGTERM exits 0', async () => {
    const server = await serve(['--secret', SECRET, '--metrics-token', 'scrape-token-flag']);
    expect(await server.stop()).toBe(0);
    const { stdout, stderr } = server.output();
    const warnings = logLines(stdout).filter((l) => l.level === 40);
    expect(warnings.map((w) => w.flag)).toEqual(['--secret', '--metrics-token']);
    expect(warnings[0]!.msg).toContain('other local users can read it');
    expect(stdout + stderr).not.toContain(SECRET);
    expect(stdout + stderr).not.toContain('scrape-token-flag');
    expect(logLines(stdout).map((l) => l.msg)).toEqual(
      expect.arrayContaining(['shutting down', 'shut down']),
    );
  });

  it('no warning when the secret comes from the environment', async () => {
    const server = await serve();
    expect(await server.stop()).toBe(0);
    expect(logLines(server.output().stdout).filter((l) => l.level === 40)).toEqual([]);
  });

  it('SIGTERM waits for the request in flight; a second signal exits at once with 1', async () => {
    const server = await serve();
    const outcome = requestInFlight(server.port);
    await until(() => server.output().stdout.includes('incoming request'));
    server.child.kill('SIGTERM');
    await until(() => server.output().stdout.includes('"msg":"shutting down"'));
    expect(server.child.exitCode).toBeNull();
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(server.output().stdout).toContain('second signal');
    expect(await outcome).toBe('cut');
  });

  it('--shutdown-timeout: a request still in flight is cut at the deadline and the server exits', async () => {
    const server = await serve(['--shutdown-timeout', '1']);
    const outcome = requestInFlight(server.port);
    await until(() => server.output().stdout.includes('incoming request'));
    expect(await server.stop()).toBe(0);
    expect(await outcome).toBe('cut');
    expect(server.output().stdout).toContain('requests still in flight at the deadline');
  });
});
