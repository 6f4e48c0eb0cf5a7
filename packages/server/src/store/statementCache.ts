import type BetterSqlite3Type from 'better-sqlite3';

/**
 * Kysely's SQLite driver asks better-sqlite3 to `prepare` every query it runs, and preparing
 * costs more than running a small indexed read. This wraps the database so each distinct SQL
 * text is prepared once and the statement reused (bounded: least recently used texts go first).
 * A statement that is busy (an iterator still open over it) is never handed out twice: a fresh
 * one is prepared for that call.
 */
export function cachePreparedStatements(
  database: BetterSqlite3Type.Database,
  limit = 500,
): BetterSqlite3Type.Database {
  const statements = new Map<string, BetterSqlite3Type.Statement>();
  const prepare = database.prepare.bind(database);
  const cached = ((sql: string) => {
    const hit = statements.get(sql);
    if (hit && !hit.busy) {
      // Move to the back: the map's order is least recently used first.
      statements.delete(sql);
      statements.set(sql, hit);
      return hit;
    }
    const statement = prepare(sql);
    if (!hit) {
      statements.set(sql, statement);
      if (statements.size > limit) statements.delete(statements.keys().next().value as string);
    }
    return statement;
  }) as BetterSqlite3Type.Database['prepare'];
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property === 'prepare') return cached;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
