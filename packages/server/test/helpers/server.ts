import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createUser, type Role, type User } from '../../src/accounts/index.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import type { ConfigInput } from '../../src/config/loadConfig.js';
import { createLatchkey, type Latchkey, type LatchkeyOptions } from '../../src/server.js';
import type { StoreUnderTest } from './stores.js';

export const ADMIN_PASSWORD = 'correct-horse-battery-staple';

/**
 * The password `createUser` gives a test user unless told otherwise: the login reversed, so it
 * never contains the login (SPEC §6.5 refuses that), except for logins too short to matter.
 */
export function testPassword(login: string): string {
  // Logins under 3 characters are not looked for inside passwords (`ed-Pass-1234` is fine).
  if ([...login].length < 3) return `${login}-Pass-1234`;
  return `${[...login].reverse().join('')}-Pass-1234`;
}

export interface TestServer {
  url: string;
  latchkey: Latchkey;
  config: Config;
  /** The clock the server reads; tests move it instead of sleeping. */
  clock: { now: number; advance(ms: number): void };
  createUser(login: string, role: Role, password?: string): Promise<User>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  store: StoreUnderTest;
  config?: ConfigInput;
  /** Extra environment for loadConfig (REDIS_URL is passed through only when asked). */
  env?: Record<string, string | undefined>;
  /** Share rate-limit keys with another server (multi-node tests). */
  rateLimitPrefix?: string;
  dataDir?: string;
  /** Receives the JSON log lines (the level comes from config.logLevel). */
  logDestination?: { write(line: string): void };
  /** Scheduling options of the server itself (first sweep, flush interval). */
  schedule?: Pick<LatchkeyOptions, 'firstSweepDelayMs' | 'flushIntervalMs'>;
  /** Receives the line announcing a generated administrator password (dropped by default). */
  announce?: (line: string) => void;
}

export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'latchkey-test-'));
  const database = await options.store.create();
  const config = loadConfig(
    {
      port: String(await freePort()),
      env: 'local',
      logLevel: 'silent',
      adminPassword: ADMIN_PASSWORD,
      dataDir,
      databaseUrl: database.databaseUrl,
      ...options.config,
    },
    options.env ?? {},
  );
  const clock = {
    now: Date.now(),
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const latchkey = await createLatchkey(config, {
    now: () => clock.now,
    rateLimitPrefix: options.rateLimitPrefix ?? `test-${randomBytes(6).toString('hex')}`,
    announce: options.announce ?? (() => {}),
    ...options.schedule,
    ...(options.logDestination ? { logDestination: options.logDestination } : {}),
  });
  await latchkey.listen();
  return {
    url: config.siteUrl,
    latchkey,
    config,
    clock,
    createUser: (login, role, password = testPassword(login)) =>
      createUser(
        latchkey.store.db,
        { login, email: `${login}@example.com`, password, role, displayName: login },
        clock.now,
      ),
    async close() {
      await latchkey.close();
      await database.drop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A port that was free a moment ago, so the site URL can name it before the server starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
