import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';

export interface StoreUnderTest {
  name: 'sqlite' | 'postgres';
  /** Creates an empty database for one server and returns its URL (undefined for SQLite). */
  create(): Promise<{ databaseUrl: string | undefined; drop(): Promise<void> }>;
}

const sqlite: StoreUnderTest = {
  name: 'sqlite',
  create: async () => ({ databaseUrl: undefined, drop: async () => {} }),
};

function postgres(adminUrl: string): StoreUnderTest {
  return {
    name: 'postgres',
    async create() {
      const name = `latchkey_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        databaseUrl: url.toString(),
        async drop() {
          const c = new pg.Client({ connectionString: adminUrl });
          await c.connect();
          // pg's pool resolves end() before its sockets are closed; a forced drop would kill those
          // closing connections and surface as unhandled errors. Wait for them to go first.
          for (let i = 0; i < 50; i++) {
            const { rows } = await c.query(
              'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
              [name],
            );
            if (rows[0].n === 0) break;
            await new Promise((r) => setTimeout(r, 20));
          }
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await c.end();
        },
      };
    },
  };
}

/** SQLite always; PostgreSQL as well when DATABASE_URL is set (global setup says so when it is not). */
export const STORES: StoreUnderTest[] = process.env.DATABASE_URL
  ? [sqlite, postgres(process.env.DATABASE_URL)]
  : [sqlite];

/**
 * An empty store of this kind in a fresh data folder (SQLite) or database (PostgreSQL), migrated
 * unless asked not to: what the capability folders' unit tests run against. `close` removes it.
 */
export async function openFreshStore(
  kind: StoreUnderTest,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<{ store: Store; close(): Promise<void> }> {
  const database = await kind.create();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-store-'));
  const store = openStore({ databaseUrl: database.databaseUrl, dataDir });
  const close = async () => {
    await store.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (migrate) await store.migrate();
  } catch (error) {
    await close();
    throw error;
  }
  return { store, close };
}

/** Gives each test of the calling suite a fresh, migrated store; call the result for its database. */
export function freshStoreForEachTest(kind: StoreUnderTest): () => Store['db'] {
  let opened: Awaited<ReturnType<typeof openFreshStore>> | undefined;
  beforeEach(async () => {
    opened = await openFreshStore(kind);
  });
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });
  return () => {
    if (!opened) throw new Error('the store exists only while a test runs');
    return opened.store.db;
  };
}
