import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

const placeholder = (i: number) => `\u0000latchkey:param:${i}\u0000`;

type Slot = number | { value: unknown };

/**
 * A query built and compiled once per store handle and then run with new values: the hot
 * paths' SQL is never rebuilt per request (Kysely's building and compiling cost more than the
 * indexed read they produce; better-sqlite3 then reuses the prepared statement, see
 * statementCache.ts). `build` gets a placeholder string for each parameter; each must reach the
 * SQL as one bound value, which is checked the first time.
 */
export function compiledOnce<DB, Row, Args extends unknown[]>(
  arity: Args['length'],
  build: (db: Kysely<DB>, ...params: string[]) => Compilable<Row>,
): (db: Kysely<DB>, ...args: Args) => Promise<Row[]> {
  const compiled = new WeakMap<object, { sql: string; slots: Slot[] }>();
  return async (db, ...args) => {
    let entry = compiled.get(db);
    if (!entry) {
      const names = Array.from({ length: arity }, (_, i) => placeholder(i));
      const query = build(db, ...names).compile();
      const slots: Slot[] = query.parameters.map((p) => {
        const i = names.indexOf(p as string);
        return i >= 0 ? i : { value: p };
      });
      for (let i = 0; i < arity; i++)
        if (!slots.includes(i)) throw new Error(`parameter ${i} does not reach the SQL`);
      entry = { sql: query.sql, slots };
      compiled.set(db, entry);
    }
    const values = entry.slots.map((s) => (typeof s === 'number' ? args[s] : s.value));
    return (await db.executeQuery<Row>(CompiledQuery.raw(entry.sql, values))).rows;
  };
}
