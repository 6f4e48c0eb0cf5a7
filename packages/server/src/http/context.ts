import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Keys } from '../crypto/index.js';
import type { Mailer } from '../mail/index.js';
import type { Limiters } from '../rate-limit/index.js';
import type { Database, Dialect } from '../store/index.js';
import type { Metrics } from './metrics.js';

/** Everything a request handler may reach; built once at start. */
export interface AppContext {
  config: Config;
  db: Kysely<Database>;
  dialect: Dialect;
  keys: Keys;
  limiters: Limiters;
  logger: Logger;
  /** Sends over SMTP_URL, else writes .eml files to <data-dir>/outbox. */
  mailer: Mailer;
  metrics: Metrics;
  /** The clock, injectable so tests can move time without sleeping. */
  now(): number;
}
