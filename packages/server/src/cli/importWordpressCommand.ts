import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { loadInstallationKey } from '../config/index.js';
import { deriveKeys } from '../crypto/index.js';
import { openStore, type Store } from '../store/index.js';
import {
  WordpressImportError,
  formatConflicts,
  formatImportSummary,
  importWordpress,
  migrationState,
} from '../wordpress-import/index.js';
import { UsageError } from './args.js';
import type { Output } from './userCommands.js';

export const IMPORT_WORDPRESS_FLAGS = {
  'mysql-url': { type: 'string' },
  'table-prefix': { type: 'string' },
  'dry-run': { type: 'boolean' },
  content: { type: 'boolean' },
} as const;

/** The URL may also come from the environment, so its password is not on the command line. */
export const MYSQL_URL_ENV = 'LATCHKEY_IMPORT_MYSQL_URL';

export interface ImportWordpressCommand {
  mysqlUrl: string;
  tablePrefix: string;
  dryRun: boolean;
  content: boolean;
}

/** Checks the usage before anything touches the store. */
export function parseImportWordpressCommand(
  positionals: string[],
  values: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
): ImportWordpressCommand {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const flag = values['mysql-url'];
  const mysqlUrl = typeof flag === 'string' ? flag : env[MYSQL_URL_ENV];
  if (!mysqlUrl)
    throw new UsageError(
      `missing --mysql-url mysql://user:password@host:port/database (or ${MYSQL_URL_ENV})`,
    );
  const prefix = values['table-prefix'];
  return {
    mysqlUrl,
    tablePrefix: typeof prefix === 'string' ? prefix : 'wp_',
    dryRun: values['dry-run'] === true,
    content: values.content === true,
  };
}

/** Runs the import and prints its summary; the exit code: 0 done, 1 refused, 2 usage. */
export async function runImportWordpressCommand(
  store: Store,
  config: Config,
  command: ImportWordpressCommand,
  out: Output,
): Promise<number> {
  // TOTP secrets are sealed with the installation key: the server must use the same one.
  const keyFile = path.join(config.dataDir, 'installation.key');
  const createsKey = !command.dryRun && config.secret === undefined && !existsSync(keyFile);
  // A dry run into a store never migrated (the usual first step) previews the import in a
  // scratch store: with nothing in the store there is nothing to conflict with or find again.
  let scratch: { store: Store; dir: string } | undefined;
  if (command.dryRun && (await migrationState(store.db, store.dialect)).applied.length === 0) {
    const dir = mkdtempSync(path.join(tmpdir(), 'latchkey-dry-run-'));
    scratch = { store: openStore({ databaseUrl: undefined, dataDir: dir }), dir };
    await scratch.store.migrate();
  }
  const target = scratch?.store ?? store;
  try {
    const summary = await importWordpress({
      db: target.db,
      dialect: target.dialect,
      // A dry run rolls back whatever it sealed: it needs no installation key, and must not
      // create one in a data dir that has none yet.
      keys: deriveKeys(
        command.dryRun ? randomBytes(32) : loadInstallationKey(config.dataDir, config.secret),
      ),
      mysqlUrl: command.mysqlUrl,
      tablePrefix: command.tablePrefix,
      content: command.content,
      dryRun: command.dryRun,
    });
    if (scratch)
      summary.notes.push(
        'The store is empty (never migrated): this dry run used a scratch store, which is gone.',
      );
    const keyNote = createsKey
      ? `Created the installation key ${keyFile}: run latchkey serve with this data dir (or set LATCHKEY_SECRET to its key) so that imported authenticator-app secrets can be read.`
      : undefined;
    if (out.json) out.data(keyNote ? { ...summary, installation_key_created: keyFile } : summary);
    else out.print(formatImportSummary(summary) + (keyNote ? `\n${keyNote}` : ''));
    return 0;
  } catch (error) {
    if (!(error instanceof WordpressImportError)) throw error;
    if (out.json)
      out.data({
        error: {
          code: error.code,
          message: error.message,
          ...(error.conflicts.length > 0 ? { conflicts: error.conflicts } : {}),
        },
      });
    console.error(`latchkey: ${error.message}`);
    if (error.conflicts.length > 0 && !out.json) console.error(formatConflicts(error.conflicts));
    return error.isUsage ? 2 : 1;
  } finally {
    if (scratch) {
      await scratch.store.close();
      rmSync(scratch.dir, { recursive: true, force: true });
    }
  }
}
