import type { Kysely } from 'kysely';
import type { InvalidationBus } from '../invalidation/index.js';
import type { Database } from '../store/index.js';
import { listServices } from './records.js';
import type { Service } from './service.js';

/** Entries lapse after this even if an announcement was missed. */
export const SERVICE_DIRECTORY_TTL_MS = 5000;

/**
 * The registered services, kept in memory so a warm /auth/verify reads no store. Every write to
 * `services` is announced through the invalidation bus (the store's write watcher), which
 * empties this on every node; a read that started before such an announcement is not kept.
 */
export class ServiceDirectory {
  private value: { services: Service[]; at: number } | undefined;
  private epoch = 0;
  private loading: Promise<Service[]> | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Kysely<Database>,
    bus: InvalidationBus,
    private readonly clock: () => number = Date.now,
  ) {
    this.unsubscribe = bus.subscribe((change) => {
      if (change.kind === 'all') this.forget();
    });
  }

  forget(): void {
    this.epoch++;
    this.value = undefined;
    this.loading = undefined;
  }

  close(): void {
    this.unsubscribe();
  }

  /** Synchronous when warm (the common case); one read of a small table when cold. */
  current(): Service[] | Promise<Service[]> {
    const now = this.clock();
    if (this.value && now - this.value.at < SERVICE_DIRECTORY_TTL_MS) return this.value.services;
    if (this.loading) return this.loading;
    const epoch = this.epoch;
    const loading = listServices(this.db).then((services) => {
      if (epoch === this.epoch) {
        this.value = { services, at: now };
        this.loading = undefined;
      }
      return services;
    });
    loading.catch(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    this.loading = loading;
    return loading;
  }
}

const directories = new WeakMap<object, ServiceDirectory>();

/** One directory per store handle and bus (a server's context). */
export function serviceDirectoryOf(db: Kysely<Database>, bus: InvalidationBus): ServiceDirectory {
  let directory = directories.get(bus);
  if (!directory) {
    directory = new ServiceDirectory(db, bus);
    directories.set(bus, directory);
  }
  return directory;
}
