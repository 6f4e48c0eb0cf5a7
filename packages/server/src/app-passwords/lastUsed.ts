import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

interface Use {
  time: number;
  ip: string;
}

/**
 * Last-used date and IP without a database write on the request path: uses are kept in
 * memory and written in batches. Several nodes may flush the same record; the update keeps
 * the newest time (a `max()` merge), so no node moves it backwards.
 */
export class LastUsedTracker {
  private pending = new Map<string, Use>();
  private latest = new Map<string, Use>();

  record(uuid: string, time: number, ip: string): void {
    const previous = this.pending.get(uuid);
    if (!previous || previous.time <= time) this.pending.set(uuid, { time, ip });
    const seen = this.latest.get(uuid);
    if (!seen || seen.time <= time) this.latest.set(uuid, { time, ip });
  }

  /** The freshest use this node knows about, for showing lists before the next flush. */
  overlay<T extends { uuid: string; lastUsed: number | null; lastIp: string | null }>(
    record: T,
  ): T {
    const use = this.latest.get(record.uuid);
    if (!use || (record.lastUsed !== null && record.lastUsed >= use.time)) return record;
    return { ...record, lastUsed: use.time, lastIp: use.ip };
  }

  forget(uuid: string): void {
    this.pending.delete(uuid);
    this.latest.delete(uuid);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Writes the pending uses; returns how many records were considered. */
  async flush(db: Kysely<Database>): Promise<number> {
    if (this.pending.size === 0) return 0;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await db.transaction().execute(async (tx) => {
        for (const [uuid, use] of batch) {
          await tx
            .updateTable('application_passwords')
            .set({ last_used: use.time, last_ip: use.ip })
            .where('uuid', '=', uuid)
            .where((eb) => eb.or([eb('last_used', 'is', null), eb('last_used', '<', use.time)]))
            .execute();
        }
      });
    } catch (error) {
      // Keep the uses for the next attempt, unless newer ones arrived meanwhile.
      for (const [uuid, use] of batch) {
        const newer = this.pending.get(uuid);
        if (!newer || newer.time < use.time) this.pending.set(uuid, use);
      }
      throw error;
    }
    // The overlay is only needed until the store has the value.
    for (const [uuid, use] of batch)
      if (this.latest.get(uuid)?.time === use.time) this.latest.delete(uuid);
    return batch.size;
  }
}
