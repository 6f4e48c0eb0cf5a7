import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type BetterSqlite3Type from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type PgType from 'pg';
import { migrationProvider } from './migrations/index.js';
import { cachePreparedStatements } from './statementCache.js';
import type { Database } from './schema.js';

// Each driver is loaded only by the dialect that uses it (both are CommonJS, so a synchronous
// require keeps openStore synchronous): a command-line call then skips the other's load time.
const require = createRequire(import.meta.url);

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /**
   * Statements sent to the store since it was opened (every query Kysely runs, migrations
   * included): what the tests read to prove that a warm request touches no store at all.
   */
  statementCount(): number;
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /**
   * What the store holds against what this build knows: `pending` are ours not yet applied,
   * `unknown` were applied by a newer build (this one must not touch that store).
   */
  migrationStatus(): Promise<MigrationStatus>;
  /**
   * SQLite: writes a consistent copy of the store to `file` (which must not exist) while other
   * connections go on reading and writing. PostgreSQL has pg_dump for that.
   */
  backupTo(file: string): Promise<void>;
  close(): Promise<void>;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  unknown: string[];
}

/** `current`: migrated to exactly this build; otherwise why a command must not use it. */
export function migrationVerdict(status: MigrationStatus): 'current' | 'unmigrated' | 'newer' {
  if (status.unknown.length > 0) return 'newer';
  return status.pending.length > 0 ? 'unmigrated' : 'current';
}

export interface StoreOptions {
  databaseUrl: string | undefined;
  dataDir: string;
}

export function openStore({ databaseUrl, dataDir }: StoreOptions): Store {
  let db: Kysely<Database>;
  let dialect: Dialect;
  let statements = 0;
  const count = () => {
    statements++;
  };
  if (databaseUrl) {
    dialect = 'postgres';
    const pg = require('pg') as typeof PgType;
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: 10,
      // int8 columns hold millisecond times and counts, all well inside 2^53.
      types: {
        getTypeParser: (oid: number, format?: 'text' | 'binary') =>
          oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
      } as PgType.CustomTypesConfig,
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: count });
  } else {
    dialect = 'sqlite';
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const BetterSqlite3 = require('better-sqlite3') as typeof BetterSqlite3Type;
    const sqlite = new BetterSqlite3(path.join(dataDir, 'latchkey.db'));
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: cachePreparedStatements(sqlite) }),
      log: count,
    });
  }
  return {
    db,
    dialect,
    statementCount: () => statements,
    async migrate() {
      const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
      const { error, results } = await migrator.migrateToLatest();
      if (error) throw error;
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    async migrationStatus() {
      const known = Object.keys(await migrationProvider(dialect).getMigrations());
      let applied: string[] = [];
      try {
        const rows = await sql<{
          name: string;
        }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
        applied = rows.rows.map((r) => r.name);
      } catch (error) {
        // No migration table yet: an empty store. Anything else (unreachable) is the caller's.
        if (!/kysely_migration/.test(String((error as Error).message))) throw error;
      }
      return {
        applied,
        pending: known.filter((name) => !applied.includes(name)),
        unknown: applied.filter((name) => !known.includes(name)),
      };
    },
    async backupTo(file) {
      if (dialect !== 'sqlite') throw new Error('backupTo is for SQLite stores; use pg_dump');
      // VACUUM INTO reads one snapshot in a single read transaction: under WAL, writers go on
      // and the copy holds exactly the commits made before it began (the backup API would
      // restart on every write from another process and might never finish under load).
      await sql`VACUUM INTO ${file}`.execute(db);
    },
    close: () => db.destroy(),
  };
}
