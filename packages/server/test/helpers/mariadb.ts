/**
 * The MariaDB (or MySQL) that the WordPress-import suite loads its dump into. Reached at
 * MARIADB_URL (default mysql://root@127.0.0.1:3306, as on these machines). When it is not
 * reachable the suite skips with the reason in its title, unless REQUIRE_MARIADB=1 (which .ci/run
 * sets), in which case it fails.
 */
import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import mysql from 'mysql2/promise';
import { it } from 'vitest';

export const MARIADB_URL = process.env.MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
export const REQUIRE_MARIADB = process.env.REQUIRE_MARIADB === '1';

/** Whether something answers MariaDB's port (the suite then connects for real). */
export function mariadbReachable(url = MARIADB_URL, timeoutMs = 1500): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port || 3306), hostname.replace(/^\[(.*)\]$/, '$1'), () => done(true));
  });
}

/** The describe title, saying which MariaDB the suite uses, or why it skips or fails. */
export function mariadbSuiteTitle(name: string, reachable: boolean): string {
  const where = MARIADB_URL.replace(/:[^:@/]*@/, ':***@');
  if (reachable) return `${name} (MariaDB at ${where})`;
  return REQUIRE_MARIADB
    ? `${name} (FAILING: no MariaDB at ${where} and REQUIRE_MARIADB=1)`
    : `${name} (SKIPPED: no MariaDB at ${where}; set REQUIRE_MARIADB=1 to fail instead)`;
}

/** Without a MariaDB (and REQUIRE_MARIADB=1): registers the one failing test and returns true. */
export function mariadbMissing(reachable: boolean): boolean {
  if (reachable) return false;
  it('has a MariaDB to load the WordPress dump into', () => {
    throw new Error(
      `REQUIRE_MARIADB=1 but nothing answers at ${MARIADB_URL}. Start it (start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd) or point MARIADB_URL at one.`,
    );
  });
  return true;
}

export interface LoadedDump {
  name: string;
  /** The URL `latchkey import-wordpress --mysql-url` takes. */
  url: string;
  /** Runs SQL in the loaded database (to corrupt a value, add a row…). */
  query(sql: string, params?: unknown[]): Promise<unknown>;
  drop(): Promise<void>;
}

/** Loads a mariadb-dump into a new database with a random name; drop() removes it. */
export async function loadDump(dump: string): Promise<LoadedDump> {
  const name = `latchkey_wp_${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: MARIADB_URL, multipleStatements: true });
  try {
    await admin.query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci`,
    );
    await admin.changeUser({ database: name });
    await admin.query(dump);
  } catch (error) {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => undefined);
    throw error;
  } finally {
    await admin.end();
  }
  const url = new URL(MARIADB_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async query(sql, params = []) {
      const c = await mysql.createConnection({ uri: url.toString() });
      try {
        const [rows] = await c.query(sql, params);
        return rows;
      } finally {
        await c.end();
      }
    },
    async drop() {
      const c = await mysql.createConnection({ uri: MARIADB_URL });
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await c.end();
      }
    },
  };
}
