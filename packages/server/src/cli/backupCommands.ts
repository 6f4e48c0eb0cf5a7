import {
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { migrationVerdict, openStore, type Store } from '../store/index.js';
import { NotFound, UsageError } from './args.js';
import type { Output } from './userCommands.js';

const STORE_FILE = 'latchkey.db';
const KEY_FILE = 'installation.key';

/** `latchkey backup <file>`: a consistent copy of a SQLite store, safe while the server writes. */
export async function backupStore(
  store: Store,
  config: Config,
  file: string,
  out: Output,
): Promise<void> {
  if (store.dialect !== 'sqlite')
    throw new UsageError(
      'latchkey backup copies SQLite stores; for PostgreSQL use pg_dump (docs/deploy.md)',
    );
  const target = path.resolve(file);
  // The copy holds password and token hashes: created empty with mode 0600 before a byte is
  // written (VACUUM INTO fills an empty file), so it is never readable by others.
  try {
    writeFileSync(target, '', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new UsageError(`${target} exists already; name a new file`);
    throw error;
  }
  try {
    await store.backupTo(target);
  } catch (error) {
    rmSync(target, { force: true });
    throw error;
  }
  chmodSync(target, 0o600);
  const bytes = statSync(target).size;
  const keyNote = config.secret
    ? 'the installation key is your LATCHKEY_SECRET'
    : `the installation key (${path.join(config.dataDir, KEY_FILE)}) is not in it: keep a copy apart`;
  if (out.json) out.data({ backup: target, bytes, store: 'sqlite' });
  else out.print(`Backed up the store to ${target} (${bytes} bytes); ${keyNote}.`);
}

/**
 * `latchkey restore <file>`: puts a backup into a data dir that holds no store yet. The
 * installation key must be there first (or LATCHKEY_SECRET given): without it the sealed
 * second-factor secrets of the backup could never be opened again.
 */
export async function restoreStore(config: Config, file: string, out: Output): Promise<void> {
  if (config.databaseUrl)
    throw new UsageError(
      'latchkey restore fills SQLite data dirs; for PostgreSQL use pg_restore (docs/deploy.md)',
    );
  const source = path.resolve(file);
  if (!existsSync(source)) throw new NotFound(`no backup at ${source}`);
  const target = path.join(config.dataDir, STORE_FILE);
  if (existsSync(target))
    throw new UsageError(`${config.dataDir} already holds a store; restore into an empty data dir`);
  if (!config.secret && !existsSync(path.join(config.dataDir, KEY_FILE)))
    throw new UsageError(
      `put the original ${KEY_FILE} in ${config.dataDir} first (or set LATCHKEY_SECRET): the backup's two-factor secrets are sealed with it`,
    );
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  try {
    const probe = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
    try {
      const check = probe.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(String(check));
    } finally {
      probe.close();
    }
  } catch (error) {
    throw new UsageError(`${source} is not a readable SQLite backup: ${(error as Error).message}`);
  }
  copyFileSync(source, target, constants.COPYFILE_EXCL);
  chmodSync(target, 0o600);
  const store = openStore({ databaseUrl: undefined, dataDir: config.dataDir });
  let verdict: ReturnType<typeof migrationVerdict>;
  try {
    verdict = migrationVerdict(await store.migrationStatus());
  } finally {
    await store.close();
  }
  if (out.json) out.data({ restored: target, state: verdict });
  else
    out.print(
      `Restored ${source} into ${target} (${verdict === 'current' ? 'migrated' : verdict === 'unmigrated' ? 'run "latchkey migrate" before the other commands' : 'newer than this version'}).`,
    );
}
