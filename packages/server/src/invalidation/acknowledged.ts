import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Listeners } from './local.js';
import type { Invalidation, InvalidationBus } from './types.js';

/** How long a publisher waits for the other nodes to say they have dropped their entries. */
export const ACK_TIMEOUT_MS = 1000;

export interface Announcement {
  id: string;
  from: string;
  change: Invalidation;
}

export function parseAnnouncement(text: string): Announcement | undefined {
  try {
    const value = JSON.parse(text) as Partial<Announcement>;
    const change = value.change as Partial<Invalidation> | undefined;
    if (typeof value.id !== 'string' || typeof value.from !== 'string' || !change) return undefined;
    if (change.kind === 'all') return { id: value.id, from: value.from, change: { kind: 'all' } };
    if (change.kind === 'user' && Number.isSafeInteger(change.userId))
      return {
        id: value.id,
        from: value.from,
        change: { kind: 'user', userId: change.userId as number },
      };
  } catch {
    // Not ours: ignored.
  }
  return undefined;
}

/** What a shared transport provides; the waiting for acknowledgements is common to both. */
export interface Wire {
  readonly transport: 'redis' | 'postgres';
  /** Sends an announcement; resolves to how many *other* nodes will acknowledge it. */
  announce(text: string): Promise<number>;
  /** Tells node `to` that announcement `id` is done here. */
  acknowledge(to: string, id: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The bus over a shared wire: a node applies a change locally at once, announces it, and waits
 * until every other node has applied it and acknowledged (each node knows only its own id and
 * the count the wire reports, so a node that joins or dies meanwhile costs at most the timeout).
 */
export class AcknowledgedBus implements InvalidationBus {
  readonly nodeId = randomUUID();
  private readonly listeners = new Listeners();
  private readonly waiting = new Map<
    string,
    { acks: number; expected: number | undefined; done: () => void }
  >();
  private wire: Wire | undefined;

  constructor(
    readonly transport: 'redis' | 'postgres',
    private readonly logger: Logger,
  ) {}

  attach(wire: Wire): void {
    this.wire = wire;
  }

  /** An announcement arrived on the wire. */
  received(text: string): void {
    const message = parseAnnouncement(text);
    if (!message || message.from === this.nodeId) return;
    this.listeners.run(message.change);
    this.wire?.acknowledge(message.from, message.id).catch((err: unknown) => {
      this.logger.warn({ err }, 'could not acknowledge a cache invalidation');
    });
  }

  /** An acknowledgement for one of ours arrived. */
  acknowledged(id: string): void {
    const wait = this.waiting.get(id);
    if (!wait) return;
    wait.acks++;
    if (wait.expected !== undefined && wait.acks >= wait.expected) wait.done();
  }

  async publish(change: Invalidation): Promise<void> {
    this.listeners.run(change);
    const wire = this.wire;
    if (!wire) return;
    const id = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const acked = new Promise<boolean>((resolve) => {
      // Registered before sending: an acknowledgement can arrive before announce() resolves.
      this.waiting.set(id, { acks: 0, expected: undefined, done: () => resolve(true) });
      timer = setTimeout(() => resolve(false), ACK_TIMEOUT_MS);
    });
    try {
      const others = await wire.announce(JSON.stringify({ id, from: this.nodeId, change }));
      const wait = this.waiting.get(id)!;
      wait.expected = others;
      if (wait.acks >= others) wait.done();
      if (!(await acked))
        this.logger.warn(
          { transport: this.transport, expected: others, acknowledged: wait.acks },
          'not every node acknowledged a cache invalidation in time; their entries lapse on their own',
        );
    } finally {
      clearTimeout(timer);
      this.waiting.delete(id);
    }
  }

  userChanged(userId: number): Promise<void> {
    return this.publish({ kind: 'user', userId });
  }

  everythingChanged(): Promise<void> {
    return this.publish({ kind: 'all' });
  }

  subscribe(listener: (change: Invalidation) => void): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    await this.wire?.close();
    this.wire = undefined;
  }
}
