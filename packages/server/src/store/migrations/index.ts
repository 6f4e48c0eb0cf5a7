import type { ColumnDefinitionBuilder, Kysely, Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_application_passwords.js';
import * as m0003 from './0003_content.js';
import * as m0004 from './0004_two_factor.js';
import * as m0005 from './0005_authorize_codes.js';
import * as m0006 from './0006_two_factor_attempt_lock.js';
import * as m0007 from './0007_expiry_notice.js';
import * as m0008 from './0008_content_ids.js';
import * as m0009 from './0009_wordpress_import.js';
import * as m0010 from './0010_account_links.js';
import * as m0011 from './0011_services.js';
import * as m0012 from './0012_sessions_and_passwords.js';

export interface MigrationContext {
  /** Auto-incrementing integer key: `integer … autoincrement` on SQLite, `serial` on PostgreSQL. */
  idType: 'integer' | 'serial';
  /** Primary key modifiers: SQLite needs AUTOINCREMENT so ids of deleted rows are never reused. */
  idKey: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  bigint: 'integer' | 'bigint';
}

type MigrationModule = { up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> };

const MIGRATIONS: Record<string, MigrationModule> = {
  '0001_initial': m0001,
  '0002_application_passwords': m0002,
  '0003_content': m0003,
  '0004_two_factor': m0004,
  '0005_authorize_codes': m0005,
  '0006_two_factor_attempt_lock': m0006,
  '0007_expiry_notice': m0007,
  '0008_content_ids': m0008,
  '0009_wordpress_import': m0009,
  '0010_account_links': m0010,
  '0011_services': m0011,
  '0012_sessions_and_passwords': m0012,
};

/** One set of migrations for both dialects; the context carries the few type differences. */
export function migrationProvider(dialect: 'sqlite' | 'postgres'): MigrationProvider {
  const ctx: MigrationContext =
    dialect === 'sqlite'
      ? { idType: 'integer', bigint: 'integer', idKey: (c) => c.primaryKey().autoIncrement() }
      : { idType: 'serial', bigint: 'bigint', idKey: (c) => c.primaryKey() };
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, mod] of Object.entries(MIGRATIONS))
        out[name] = { up: (db) => mod.up(db, ctx) };
      return out;
    },
  };
}
