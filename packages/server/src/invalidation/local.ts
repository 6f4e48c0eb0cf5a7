import type { Invalidation, InvalidationBus } from './types.js';

/** Listeners of one process; the base the shared transports build on. */
export class Listeners {
  private readonly listeners = new Set<(change: Invalidation) => void>();

  add(listener: (change: Invalidation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  run(change: Invalidation): void {
    for (const listener of this.listeners) listener(change);
  }
}

/** One node: the announcement is the local call. */
export function createLocalBus(): InvalidationBus {
  const listeners = new Listeners();
  const bus: InvalidationBus = {
    transport: 'local',
    async publish(change) {
      listeners.run(change);
    },
    userChanged: (userId) => bus.publish({ kind: 'user', userId }),
    everythingChanged: () => bus.publish({ kind: 'all' }),
    subscribe: (listener) => listeners.add(listener),
    async close() {},
  };
  return bus;
}
