import { createRequire } from 'node:module';
import type PgType from 'pg';
import type { Logger } from 'pino';
import { createFileSignalBus } from './fileSignal.js';
import { createPostgresBus } from './postgres.js';
import { createRedisBus } from './redis.js';
import type { InvalidationBus } from './types.js';

export type { Invalidation, InvalidationBus } from './types.js';
export { createLocalBus } from './local.js';
export { invalidatesCredentials, watchCredentialWrites } from './writeWatcher.js';

const require = createRequire(import.meta.url);

export interface BusOptions {
  redisUrl: string | undefined;
  databaseUrl: string | undefined;
  /** Nodes of one site share it (the rate-limit prefix). */
  prefix: string;
  logger: Logger;
  /** The embedded store's folder: processes on it signal each other through a file there. */
  dataDir: string;
  /** Whether this process keeps caches to empty (the server) or only announces (a command). */
  listen: boolean;
}

/**
 * The bus for this deployment: Redis when configured (nodes share it already for the limits),
 * else PostgreSQL's LISTEN/NOTIFY when the store is PostgreSQL, else a signal file in the data
 * folder (the embedded SQLite store: one server, and the command line beside it).
 */
export async function createInvalidationBus(options: BusOptions): Promise<InvalidationBus> {
  if (options.redisUrl) return createRedisBus(options.redisUrl, options.prefix, options.logger);
  if (options.databaseUrl)
    return createPostgresBus(require('pg') as typeof PgType, options.databaseUrl, options.logger);
  return createFileSignalBus(options.dataDir, options.logger, options.listen);
}
