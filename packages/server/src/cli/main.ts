#!/usr/bin/env node
import { AccountError } from '../accounts/errors.js';
import { ConfigError, NotFound, UsageError, parseCommand } from './args.js';
import type { Config } from '../config/index.js';
import type { Store } from '../store/index.js';
import type { Output } from './userCommands.js';

/**
 * How a command treats the store's migrations: `current` refuses a store this build has not
 * migrated (or a newer build has) instead of migrating it behind the operator's back; `as-is`
 * leaves that to the command (`migrate` itself, a dry run).
 */
type StoreMode = 'current' | 'as-is';

/**
 * Opens the store for one command and always closes it. Command
 * modules are imported by the command that needs them: a CLI call loads only its own part
 * (the whole server costs about a second to load on a small machine).
 */
async function withStore<T>(
  config: Config,
  mode: StoreMode,
  run: (store: Store) => Promise<T>,
): Promise<T> {
  const { openStore } = await import('../store/index.js');
  const opened = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  // A running server keeps verified credentials in memory: what this command revokes, disables
  // or re-roles is announced to it (and every node) like a change made through the server.
  const { createInvalidationBus, watchCredentialWrites } = await import('../invalidation/index.js');
  const { default: pino } = await import('pino');
  const logger = pino({ level: 'warn' }, process.stderr);
  const busOptions = {
    redisUrl: config.redisUrl,
    databaseUrl: config.databaseUrl,
    prefix: 'latchkey',
    logger,
    dataDir: config.dataDir,
    listen: false,
  };
  // Redis or PostgreSQL out of reach must not stop an operator revoking a leaked password:
  // the servers' entries then lapse on their own within seconds.
  const announce = await createInvalidationBus(busOptions).catch((err: unknown) => {
    logger.warn({ err }, 'cannot reach the other nodes; their caches lapse within seconds');
    return createInvalidationBus({ ...busOptions, redisUrl: undefined, databaseUrl: undefined });
  });
  const store: Store = {
    ...opened,
    db: opened.db.withPlugin(
      watchCredentialWrites(announce, (err) => logger.warn({ err }, 'announcing a change failed')),
    ),
  };
  try {
    if (mode === 'current') await refuseUnlessCurrent(store);
    return await run(store);
  } finally {
    await announce.close();
    await opened.close();
  }
}

async function refuseUnlessCurrent(store: Store): Promise<void> {
  const { migrationVerdict } = await import('../store/index.js');
  const status = await store.migrationStatus();
  const verdict = migrationVerdict(status);
  if (verdict === 'unmigrated')
    throw new StoreRefused(
      `the ${store.dialect} store needs ${status.pending.length} migration(s) (${names(status.pending)}): run "latchkey migrate" first`,
    );
  if (verdict === 'newer')
    throw new StoreRefused(
      `the ${store.dialect} store was migrated by a newer Latchkey (${names(status.unknown)}): run that version instead`,
    );
}

const names = (list: string[]) =>
  list.length > 3 ? `${list[0]} … ${list[list.length - 1]}` : list.join(', ');

/** The store is not at this build's migrations: exit code 1 with one line. */
class StoreRefused extends Error {}

const HELP = `latchkey: authentication server for APIs

Usage:
  latchkey serve [options]                 run the server (HTTPS with --tls-cert/--tls-key)
  latchkey migrate [options]               apply database migrations
  latchkey migrate --status                list applied and pending migrations (changes nothing)
  latchkey backup <file>                   SQLite: a consistent copy of the store, also while serving
  latchkey restore <file>                  SQLite: put a backup into an empty data dir
  latchkey user create <login> --email E [--role R] [--password P | --invite] [--display-name N] [--email-verified]
                                           (--invite: no password; a set-password link valid 24 h is mailed)
  latchkey user list
  latchkey user set-role <login> <role>
  latchkey user set-password <login> [--password P]   (without --password a random one is printed once)
  latchkey user disable <login>            (ends the user's sessions at once)
  latchkey user enable <login>
  latchkey app-password create <login> --name <name> [--app-id <uuid>] [--scope full|content]
                       [--role-ceiling <role>] [--expires <date>] [--services a,b]
                                           (prints the password once)
  latchkey service add <slug> --hosts h[/path],… [--name N] [--roles r,…] [--capability C]
                       [--browser] [--two-factor required|if_enrolled] [--scope full|content]
  latchkey service list
  latchkey service remove <slug>           (forward authentication, docs/forward-auth.md)
  latchkey app-password list <login>
  latchkey app-password revoke <login> <uuid> | --all
  latchkey 2fa status <login>              enabled methods, primary, recovery codes left, security keys
  latchkey 2fa reset <login>               remove every second factor and end the user's sessions
  latchkey import-wordpress --mysql-url mysql://user:pass@host:port/db [--table-prefix wp_]
                       [--content] [--dry-run]   users, hashes, application passwords, two-factor
                       and settings (with --content: categories, tags, posts, pages, attachments)

Every command accepts --json and the configuration options (--data-dir, --database-url, ...);
see the README for the full table. Exit codes: 0 done, 1 refused (unknown user, ...), 2 usage or configuration error.`;

const USER_FLAGS = {
  email: { type: 'string' },
  role: { type: 'string' },
  password: { type: 'string' },
  'display-name': { type: 'string' },
  'email-verified': { type: 'boolean' },
  invite: { type: 'boolean' },
} as const;

const APP_PASSWORD_FLAGS = {
  name: { type: 'string' },
  scope: { type: 'string' },
  'role-ceiling': { type: 'string' },
  expires: { type: 'string' },
  'app-id': { type: 'string' },
  services: { type: 'string' },
  all: { type: 'boolean' },
} as const;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(HELP);
    return command ? 0 : 2;
  }
  const jsonWanted = rest.includes('--json');
  const out: Output = {
    json: jsonWanted,
    print: (text) => console.log(text),
    data: (value) => console.log(JSON.stringify(value, null, 2)),
  };
  try {
    switch (command) {
      case 'serve': {
        const parsed = parseCommand(rest, {});
        const config = parsed.config();
        const { createLatchkey } = await import('../server.js');
        const latchkey = await createLatchkey(config);
        const address = await latchkey.listen();
        for (const flag of parsed.exposedSecrets())
          latchkey.ctx.logger.warn(
            { flag },
            `${flag} was given on the command line, where other local users can read it (ps, /proc); prefer its environment variable or a _FILE`,
          );
        let stopping = false;
        const stop = (signal: string) => {
          const { logger } = latchkey.ctx;
          if (stopping) {
            logger.warn({ signal }, 'second signal: exiting without finishing the shutdown');
            process.exit(1);
          }
          stopping = true;
          const timeoutMs = config.shutdownTimeoutSeconds * 1000;
          logger.info({ signal, timeout_ms: timeoutMs }, 'shutting down');
          setTimeout(() => {
            logger.error({ timeout_ms: timeoutMs }, 'shutdown deadline passed: exiting');
            process.exit(1);
          }, timeoutMs).unref();
          // Requests in flight get most of the deadline; flushing and closing the store the rest.
          latchkey.close({ drainTimeoutMs: Math.floor(timeoutMs * 0.8) }).then(
            () => {
              logger.info('shut down');
              process.exit(0);
            },
            (err: unknown) => {
              logger.error({ err }, 'shutdown failed');
              process.exit(1);
            },
          );
        };
        // Before the line that says it serves: whoever reads that line may signal at once.
        process.on('SIGINT', () => stop('SIGINT'));
        process.on('SIGTERM', () => stop('SIGTERM'));
        latchkey.ctx.logger.info(
          { address, site_url: config.siteUrl, env: config.env, store: latchkey.store.dialect },
          'latchkey is listening',
        );
        if (!jsonWanted)
          console.log(
            `Latchkey is serving ${config.siteUrl} (listening on ${address}, ${latchkey.store.dialect} store, ${config.env}).`,
          );
        return -1;
      }
      case 'migrate': {
        const parsed = parseCommand(rest, { status: { type: 'boolean' } });
        const config = parsed.config();
        if (parsed.values.status) {
          return await withStore(config, 'as-is', async (store) => {
            const { migrationVerdict } = await import('../store/index.js');
            const status = await store.migrationStatus();
            const verdict = migrationVerdict(status);
            if (jsonWanted) out.data({ store: store.dialect, state: verdict, ...status });
            else {
              out.print(`${store.dialect} store: ${verdict}`);
              for (const name of status.applied)
                out.print(
                  `  applied  ${name}${status.unknown.includes(name) ? ' (unknown to this version)' : ''}`,
                );
              for (const name of status.pending) out.print(`  pending  ${name}`);
            }
            return verdict === 'current' ? 0 : 1;
          });
        }
        await withStore(config, 'as-is', async (store) => {
          const applied = await store.migrate();
          if (jsonWanted) out.data({ store: store.dialect, applied });
          else
            out.print(
              applied.length
                ? `Applied ${applied.join(', ')} (${store.dialect}).`
                : `Nothing to apply (${store.dialect} store is up to date).`,
            );
        });
        return 0;
      }
      case 'user': {
        const [sub, ...tail] = rest;
        const parsed = parseCommand(tail, USER_FLAGS);
        const config = parsed.config();
        const { runUserCommand } = await import('./userCommands.js');
        await withStore(config, 'current', (store) =>
          runUserCommand(store, sub, parsed.positionals, parsed.values, out, config),
        );
        return 0;
      }
      case 'app-password': {
        const [sub, ...tail] = rest;
        const parsed = parseCommand(tail, APP_PASSWORD_FLAGS);
        const config = parsed.config();
        const { runAppPasswordCommand } = await import('./appPasswordCommands.js');
        await withStore(config, 'current', (store) =>
          runAppPasswordCommand(store, config, sub, parsed.positionals, parsed.values, out),
        );
        return 0;
      }
      case 'service': {
        const [sub, ...tail] = rest;
        const { SERVICE_FLAGS, runServiceCommand } = await import('./serviceCommands.js');
        const parsed = parseCommand(tail, SERVICE_FLAGS);
        const config = parsed.config();
        await withStore(config, 'current', (store) =>
          runServiceCommand(store, sub, parsed.positionals, parsed.values, out),
        );
        return 0;
      }
      case '2fa': {
        const [sub, ...tail] = rest;
        const parsed = parseCommand(tail, {});
        const { parseTwoFactorCommand, runTwoFactorCommand } =
          await import('./twoFactorCommands.js');
        const command = parseTwoFactorCommand(sub, parsed.positionals);
        const config = parsed.config();
        await withStore(config, 'current', (store) =>
          runTwoFactorCommand(store, config, command, out),
        );
        return 0;
      }
      case 'import-wordpress': {
        const { IMPORT_WORDPRESS_FLAGS, parseImportWordpressCommand, runImportWordpressCommand } =
          await import('./importWordpressCommand.js');
        const parsed = parseCommand(rest, IMPORT_WORDPRESS_FLAGS);
        const command = parseImportWordpressCommand(parsed.positionals, parsed.values, process.env);
        const config = parsed.config();
        // A dry run writes nothing, not even migrations: it refuses a store that needs them.
        return await withStore(config, command.dryRun ? 'as-is' : 'current', (store) =>
          runImportWordpressCommand(store, config, command, out),
        );
      }
      case 'backup':
      case 'restore': {
        const parsed = parseCommand(rest, {});
        const config = parsed.config();
        const [file, extra] = parsed.positionals;
        if (!file) throw new UsageError(`missing <file>: latchkey ${command} <file>`);
        if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
        const { backupStore, restoreStore } = await import('./backupCommands.js');
        if (command === 'backup')
          await withStore(config, 'current', (store) => backupStore(store, config, file, out));
        else await restoreStore(config, file, out);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"; run "latchkey help"`);
    }
  } catch (error) {
    const fail = (code: number, reason: string) => {
      if (jsonWanted)
        console.log(
          JSON.stringify({ error: { code: code === 2 ? 'usage' : 'refused', message: reason } }),
        );
      console.error(`latchkey: ${reason}`);
      return code;
    };
    if (error instanceof ConfigError || error instanceof UsageError) return fail(2, error.message);
    if (error instanceof AccountError || error instanceof NotFound || error instanceof StoreRefused)
      return fail(1, error.message);
    const message = (error as Error).message ?? String(error);
    return fail(1, message.split('\n')[0] ?? 'failed');
  }
}

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exitCode = code;
});
