import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CredentialCache, LastUsedTracker } from './app-passwords/index.js';
import type { AuditBuffer } from './audit/index.js';
import type { Config } from './config/index.js';
import type { Keys } from './crypto/index.js';
import type { Mailer } from './mail/index.js';
import type { Limiters } from './rate-limit/index.js';
import type { Database, Dialect } from './store/index.js';
import type { TwoFactor } from './two-factor/index.js';
import type { Metrics } from './metrics.js';
import type { InvalidationBus } from './invalidation/index.js';

/** What /readyz answers: ready only when every check is `ok` and no shutdown has begun. */
export interface Readiness {
  ready: boolean;
  checks: {
    store: 'ok' | 'unreachable' | 'unmigrated' | 'newer';
    redis?: 'ok' | 'unreachable';
    shutdown?: 'stopping';
  };
}

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
  /** Application-password uses, written in batches (never on the request path). */
  lastUsed: LastUsedTracker;
  /** Audit events from the API hot path, written in batches. */
  auditBuffer: AuditBuffer;
  twoFactor: TwoFactor;
  /**
   * Announce every change that can invalidate a credential (user password, email, login, role,
   * disabled; application password revoked; settings): `await ctx.invalidation.userChanged(id)`
   * after the write and before the response. Empties the credential cache on every node.
   */
  invalidation: InvalidationBus;
  /** Verified application passwords for a few seconds (emptied through `invalidation`). */
  credentialCache: CredentialCache;
  /** Whether this node should receive traffic now (store migrated, Redis up, not stopping). */
  readiness(): Promise<Readiness>;
  /** The clock, injectable so tests can move time without sleeping. */
  now(): number;
}
