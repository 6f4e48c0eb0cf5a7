import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { openFreshStore, STORES } from '../../../test/helpers/stores.js';
import { migrationProvider } from './index.js';

/**
 * The tables and columns schema.ts declares, read from its source: `Database` names each table
 * and the interface of its rows, whose properties are the columns. Kysely trusts these types
 * blindly, so a column declared there but never created fails only at run time, on one dialect.
 */
function declaredSchema(): Map<string, string[]> {
  const file = new URL('../schema.ts', import.meta.url);
  const source = ts.createSourceFile(
    'schema.ts',
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
  );
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  for (const statement of source.statements)
    if (ts.isInterfaceDeclaration(statement)) interfaces.set(statement.name.text, statement);
  const propertiesOf = (node: ts.InterfaceDeclaration) =>
    node.members.filter(ts.isPropertySignature).map((member) => {
      if (!ts.isIdentifier(member.name)) throw new Error('schema.ts: unexpected property name');
      return member;
    });
  const database = interfaces.get('Database');
  if (!database) throw new Error('schema.ts declares no Database interface');
  const tables = new Map<string, string[]>();
  for (const table of propertiesOf(database)) {
    const type = table.type;
    if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName))
      throw new Error(`schema.ts: Database.${table.name.getText(source)} is not a row interface`);
    const rows = interfaces.get(type.typeName.text);
    if (!rows) throw new Error(`schema.ts: no interface ${type.typeName.text}`);
    tables.set(
      (table.name as ts.Identifier).text,
      propertiesOf(rows).map((column) => (column.name as ts.Identifier).text),
    );
  }
  return tables;
}

const sorted = (names: Iterable<string>) => [...names].sort();

describe.each(STORES)('migrations on an empty store, SPEC §10 ($name)', (kind) => {
  it('apply every migration, in order, once; a second run has nothing to do', async () => {
    const { store, close } = await openFreshStore(kind, { migrate: false });
    try {
      // Kysely runs migrations in the order of their names.
      const all = sorted(Object.keys(await migrationProvider(store.dialect).getMigrations()));
      expect(all.length).toBeGreaterThan(0);
      expect(await store.migrate()).toEqual(all);
      expect(await store.migrate()).toEqual([]);
    } finally {
      await close();
    }
  });

  it('leave exactly the tables and columns that schema.ts declares', async () => {
    const declared = declaredSchema();
    const { store, close } = await openFreshStore(kind);
    try {
      // Kysely's own bookkeeping tables (and SQLite's) are left out by the introspector.
      const tables = await store.db.introspection.getTables();
      expect(sorted(tables.map((t) => t.name))).toEqual(sorted(declared.keys()));
      for (const table of tables)
        expect(sorted(table.columns.map((c) => c.name)), table.name).toEqual(
          sorted(declared.get(table.name) ?? []),
        );
    } finally {
      await close();
    }
  });
});
