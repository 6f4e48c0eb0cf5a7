import { randomUUID } from 'node:crypto';
import { watch, writeFileSync, readFileSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { Listeners } from './local.js';
import type { InvalidationBus } from './types.js';

/** The file in the data folder that processes sharing an embedded SQLite store touch. */
export const SIGNAL_FILE = 'credentials-changed';

/**
 * The embedded SQLite store, shared by the server and the command line on one machine: every
 * change is applied in this process at once and written to `<data-dir>/credentials-changed`,
 * which every other process on the folder watches (inotify) and answers by emptying its caches.
 * The other process hears of it within milliseconds rather than before the writer goes on (the
 * command line is the usual writer; its entries lapse after a few seconds in any case).
 */
export function createFileSignalBus(
  dataDir: string,
  logger: Logger,
  listen: boolean,
): InvalidationBus {
  const listeners = new Listeners();
  const nodeId = randomUUID();
  const file = path.join(dataDir, SIGNAL_FILE);
  let watcher: FSWatcher | undefined;
  if (listen) {
    try {
      watcher = watch(dataDir, { persistent: false }, (_event, name) => {
        if (name !== SIGNAL_FILE) return;
        let from = '';
        try {
          from = readFileSync(file, 'utf8').split(' ')[0] ?? '';
        } catch {
          // Removed or half-written: treat as a change from someone else.
        }
        if (from !== nodeId) listeners.run({ kind: 'all' });
      });
      watcher.on('error', (err) =>
        logger.warn({ err }, 'watching the data folder for credential changes failed'),
      );
    } catch (err) {
      logger.warn(
        { err },
        'cannot watch the data folder; changes from other processes lapse within seconds',
      );
    }
  }
  const bus: InvalidationBus = {
    transport: 'local',
    async publish(change) {
      listeners.run(change);
      try {
        writeFileSync(file, `${nodeId} ${Date.now()}\n`, { mode: 0o600 });
      } catch (err) {
        logger.warn({ err }, 'could not signal a credential change to other processes');
      }
    },
    userChanged: (userId) => bus.publish({ kind: 'user', userId }),
    everythingChanged: () => bus.publish({ kind: 'all' }),
    subscribe: (listener) => listeners.add(listener),
    async close() {
      watcher?.close();
    },
  };
  return bus;
}
