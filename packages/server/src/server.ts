import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { bootstrapAdministrator, commonPasswordCount } from './accounts/index.js';
import { CredentialCache, LastUsedTracker } from './app-passwords/index.js';
import { AuditBuffer } from './audit/index.js';
import { readSettings } from './settings/index.js';
import { createTwoFactor } from './two-factor/index.js';
import { loadInstallationKey, type Config } from './config/index.js';
import { deriveKeys } from './crypto/index.js';
import { buildHttpApp } from './http/app.js';
import type { AppContext, Readiness } from './context.js';
import { createMetrics } from './metrics.js';
import { createLogger } from './logger.js';
import { createMailer, mailFromAddress } from './mail/index.js';
import { createLimiters, type Limiters } from './rate-limit/index.js';
import { purgeExpiredSessions } from './sessions/index.js';
import { migrationVerdict, openStore, type Store } from './store/index.js';
import { mailExpiryNotices, purgeRevokedApplicationPasswords } from './app-passwords/index.js';
import { purgeDeadLinks } from './account-links/index.js';
import {
  createInvalidationBus,
  watchCredentialWrites,
  type InvalidationBus,
} from './invalidation/index.js';
import { forgetCachedSettings } from './settings/index.js';

export interface LatchkeyOptions {
  now?: () => number;
  /** Prefix of rate-limit keys in Redis; nodes of one site share it (tests isolate with it). */
  rateLimitPrefix?: string;
  /** Where the one-time admin password line goes (the console by default). */
  announce?: (line: string) => void;
  logDestination?: DestinationStream;
  /** How often buffered last-used data is written (default 60 s). */
  flushIntervalMs?: number;
  /** When the first sweep runs after start (default 30 s; then hourly). */
  firstSweepDelayMs?: number;
}

export interface CloseOptions {
  /**
   * How long requests in flight may take to finish once the server stops accepting; past it
   * their connections are cut and the shutdown goes on (default: no limit).
   */
  drainTimeoutMs?: number;
}

export interface Latchkey {
  app: FastifyInstance;
  ctx: AppContext;
  store: Store;
  /** Writes buffered last-used data and audit events now (also every minute and at close). */
  flush(): Promise<void>;
  /**
   * The hourly jobs, run now: expired sessions deleted, expiry notices mailed, mailed links dead
   * for a week deleted (each job lives in
   * the capability that owns it; this only schedules them).
   */
  sweep(): Promise<{
    sessionsPurged: number;
    expiryNotices: number;
    linksPurged: number;
    revokedForgotten: number;
  }>;
  /** Starts listening; resolves to the address actually bound. */
  listen(): Promise<string>;
  /**
   * Graceful shutdown: /readyz turns 503, the server stops accepting, requests in flight
   * finish (or are cut at the drain deadline), last-used data is flushed, the store closed.
   */
  close(options?: CloseOptions): Promise<void>;
}

/** How long a connection accepted before the shutdown has to deliver its first request. */
const IDLE_CLOSE_GRACE_MS = 1000;

export async function createLatchkey(
  config: Config,
  options: LatchkeyOptions = {},
): Promise<Latchkey> {
  const now = options.now ?? Date.now;
  const logger = createLogger(config.logLevel, options.logDestination);
  const keys = deriveKeys(loadInstallationKey(config.dataDir, config.secret));
  const store = openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onIdleConnectionError: (err) => logger.warn({ err }, 'an idle PostgreSQL connection failed'),
  });
  let limiters: Limiters | undefined;
  let invalidation: InvalidationBus;
  const prefix = options.rateLimitPrefix ?? 'latchkey';
  try {
    await store.migrate();
    // The common-password list is built here, once, not on the first password change.
    logger.debug({ common_passwords: commonPasswordCount() }, 'password rules loaded');
    const admin = await bootstrapAdministrator(store.db, config.adminPassword, now());
    if (admin.generatedPassword) {
      (options.announce ?? ((line) => process.stdout.write(line + '\n')))(
        `Created the administrator account "admin" with the one-time password: ${admin.generatedPassword}\n` +
          'It is shown only this once and works for one sign-in, which asks you to choose your own.',
      );
    } else if (admin.created)
      logger.info('created the administrator account "admin" with LATCHKEY_ADMIN_PASSWORD');
    limiters = await createLimiters({ redisUrl: config.redisUrl, prefix });
    invalidation = await createInvalidationBus({
      redisUrl: config.redisUrl,
      databaseUrl: config.databaseUrl,
      prefix,
      logger,
      dataDir: config.dataDir,
      listen: true,
    });
  } catch (error) {
    await limiters?.close();
    await store.close();
    throw error;
  }
  const lifecycle = { stopping: false, migrated: false };
  const readiness = async (): Promise<Readiness> => {
    const checks: Readiness['checks'] = { store: 'ok' };
    try {
      if (!lifecycle.migrated) {
        const verdict = migrationVerdict(await store.migrationStatus());
        if (verdict === 'current') lifecycle.migrated = true;
        else checks.store = verdict;
      } else await store.db.selectFrom('settings').select('name').limit(1).execute();
    } catch {
      checks.store = 'unreachable';
    }
    if (config.redisUrl)
      checks.redis = await limiters!.ping().then(
        () => 'ok' as const,
        () => 'unreachable' as const,
      );
    if (lifecycle.stopping) checks.shutdown = 'stopping';
    const ready = checks.store === 'ok' && (checks.redis ?? 'ok') === 'ok' && !lifecycle.stopping;
    return { ready, checks };
  };
  const credentialCache = new CredentialCache();
  invalidation.subscribe((change) => {
    credentialCache.forget(change.kind === 'user' ? change.userId : undefined);
    if (change.kind === 'all') forgetCachedSettings();
  });
  // Every statement that changes what a cached credential is made of announces itself (and
  // waits for every node) before the code that ran it goes on: see invalidation/writeWatcher.
  const db = store.db.withPlugin(
    watchCredentialWrites(invalidation, (err) =>
      logger.error({ err }, 'announcing a credential change failed'),
    ),
  );

  let lastUsedFlushedAt = now();
  const metrics = createMetrics({
    credentialCache: () => credentialCache.stats,
    lastUsedFlushedAt: () => lastUsedFlushedAt,
    now,
  });
  const transport = createMailer({
    smtpUrl: config.smtpUrl,
    dataDir: config.dataDir,
    from: mailFromAddress(config.siteUrl),
    logger,
  });
  const mailer: typeof transport = {
    ...transport,
    send: (message) =>
      transport.send(message).catch((error: unknown) => {
        metrics.mailFailures.inc();
        throw error;
      }),
    close: () => transport.close(),
  };
  const ctx: AppContext = {
    config,
    db,
    dialect: store.dialect,
    keys,
    limiters,
    logger,
    mailer,
    metrics,
    lastUsed: new LastUsedTracker(),
    auditBuffer: new AuditBuffer(),
    invalidation,
    credentialCache,
    readiness,
    twoFactor: createTwoFactor({
      db,
      keys,
      mailer,
      now,
      siteUrl: () => config.siteUrl,
      siteName: async () => (await readSettings(db)).title,
      emailFallback: async () => (await readSettings(db)).emailFallback,
    }),
    now,
  };
  const app = await buildHttpApp(ctx);
  const sweep = async () => {
    const [sessionsPurged, expiryNotices, linksPurged, revokedForgotten] = await Promise.all([
      purgeExpiredSessions(db, now()).catch((err: unknown) => {
        logger.warn({ err }, 'session sweep failed');
        return 0;
      }),
      mailExpiryNotices({
        db,
        mailer,
        logger,
        siteUrl: config.siteUrl,
        now: now(),
      }).catch((err: unknown) => {
        logger.warn({ err }, 'expiry notices failed');
        return 0;
      }),
      purgeDeadLinks(db, now()).catch((err: unknown) => {
        logger.warn({ err }, 'purging dead account links failed');
        return 0;
      }),
      purgeRevokedApplicationPasswords(db, now()).catch((err: unknown) => {
        logger.warn({ err }, 'forgetting revoked application passwords failed');
        return 0;
      }),
    ]);
    return { sessionsPurged, expiryNotices, linksPurged, revokedForgotten };
  };
  const sweeper = setInterval(() => void sweep(), 3600_000);
  sweeper.unref();
  // A node restarted more often than hourly would otherwise never sweep.
  const firstSweep = setTimeout(() => void sweep(), options.firstSweepDelayMs ?? 30_000);
  firstSweep.unref();
  /** Last-used data and hot-path audit events reach the store at most this late. */
  const flush = async () => {
    await ctx.lastUsed.flush(db);
    lastUsedFlushedAt = now();
    await ctx.auditBuffer.flush(db);
  };
  const flusher = setInterval(() => {
    flush().catch((err: unknown) => logger.warn({ err }, 'flushing last-used data failed'));
  }, options.flushIntervalMs ?? 60_000);
  flusher.unref();

  return {
    app,
    ctx,
    // The handle everything here uses, credential-write announcements included.
    store: { ...store, db },
    async listen() {
      return app.listen({ host: config.host, port: config.port });
    },
    flush,
    sweep,
    async close({ drainTimeoutMs }: CloseOptions = {}) {
      lifecycle.stopping = true;
      clearInterval(sweeper);
      clearTimeout(firstSweep);
      clearInterval(flusher);
      // Stops accepting and waits for requests in flight. A connection accepted just before
      // counts as idle until its first request is read, and closing it then resets a request
      // a proxy has already sent (nginx answers 502 and never resends a write). So idle
      // connections are closed only after a grace period, and every answer given during the
      // shutdown says `Connection: close`.
      const server = app.server;
      const closeIdle = server.closeIdleConnections.bind(server);
      server.closeIdleConnections = () => {};
      server.on('request', (_request, response) => {
        if (!response.headersSent) response.setHeader('connection', 'close');
      });
      const closed = app.close();
      let reaper: NodeJS.Timeout | undefined;
      const grace = setTimeout(() => {
        server.closeIdleConnections = closeIdle;
        // A connection whose request finishes during the shutdown turns idle and would
        // otherwise be held open until its keep-alive timeout: close those as they appear.
        closeIdle();
        reaper = setInterval(closeIdle, 100);
      }, IDLE_CLOSE_GRACE_MS);
      void closed
        .finally(() => {
          clearTimeout(grace);
          clearInterval(reaper);
          server.closeIdleConnections = closeIdle;
        })
        .catch(() => {});
      if (drainTimeoutMs !== undefined) {
        let timer: NodeJS.Timeout | undefined;
        const late = await Promise.race([
          closed.then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), drainTimeoutMs);
          }),
        ]);
        clearTimeout(timer);
        if (late) {
          logger.warn({ drainTimeoutMs }, 'requests still in flight at the deadline: cutting them');
          app.server.closeAllConnections();
          await closed;
        }
      } else await closed;
      await mailer.close();
      await flush().catch((err: unknown) => logger.error({ err }, 'final flush failed'));
      await limiters.close();
      await invalidation.close();
      await store.close();
    },
  };
}
