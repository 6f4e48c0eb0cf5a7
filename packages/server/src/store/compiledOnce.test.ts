import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { compiledOnce } from './compiledOnce.js';

interface DB {
  t: { id: number; name: string };
}

describe('compiledOnce', () => {
  const sqlite = new BetterSqlite3(':memory:');
  sqlite.exec("CREATE TABLE t (id INTEGER, name TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b')");
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });

  it('runs one compiled statement with new values each time, fixed values kept', async () => {
    let builds = 0;
    const byName = compiledOnce<DB, { id: number }, [string]>(1, (d, name) => {
      builds++;
      return d.selectFrom('t').select('id').where('name', '=', name!).where('id', '<', 10);
    });
    expect(await byName(db, 'a')).toEqual([{ id: 1 }]);
    expect(await byName(db, 'b')).toEqual([{ id: 2 }]);
    expect(await byName(db, "b' OR 1=1 --")).toEqual([]);
    expect(builds).toBe(1);
  });

  it('refuses a build whose parameter never reaches the SQL', async () => {
    const broken = compiledOnce<DB, { id: number }, [string]>(1, (d) =>
      d.selectFrom('t').select('id'),
    );
    await expect(broken(db, 'x')).rejects.toThrow('does not reach the SQL');
  });
});
