import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { recordAuditEvents, type AuditEventInput } from './events.js';

interface FailureTally {
  count: number;
  first: number;
  last: number;
  userAgent: string;
}

/**
 * Audit events born on the API hot path, which must not write to the store: failed
 * credentials are tallied per client address and everything is written by the periodic flush.
 */
export class AuditBuffer {
  private failures = new Map<string, FailureTally>();
  /** Failures from addresses beyond the cap: counted together, so none goes unrecorded. */
  private overflow: FailureTally | undefined;
  private events: Array<{ input: AuditEventInput; time: number }> = [];
  /** A cap so a flood cannot grow memory without bound; the tallies keep counting. */
  private static readonly MAX_EVENTS = 10_000;

  credentialFailure(ip: string, userAgent: string, now: number): void {
    const tally = this.failures.get(ip);
    if (tally) {
      tally.count++;
      tally.last = now;
    } else if (this.failures.size < AuditBuffer.MAX_EVENTS) {
      this.failures.set(ip, {
        count: 1,
        first: now,
        last: now,
        userAgent: userAgent.slice(0, 512),
      });
    } else if (this.overflow) {
      this.overflow.count++;
      this.overflow.last = now;
    } else {
      this.overflow = { count: 1, first: now, last: now, userAgent: '' };
    }
  }

  add(input: AuditEventInput, now: number): void {
    if (this.events.length < AuditBuffer.MAX_EVENTS) this.events.push({ input, time: now });
  }

  async flush(db: Kysely<Database>): Promise<number> {
    const events = this.events;
    const failures = this.failures;
    const overflow = this.overflow;
    this.events = [];
    this.failures = new Map();
    this.overflow = undefined;
    const tallied = (ip: string, tally: FailureTally, extra: Record<string, unknown> = {}) => ({
      input: {
        event: 'app_password.failure' as const,
        userId: null,
        ip,
        userAgent: tally.userAgent,
        credential: 'basic',
        details: {
          count: tally.count,
          first: new Date(tally.first).toISOString(),
          last: new Date(tally.last).toISOString(),
          ...extra,
        },
      },
      time: tally.last,
    });
    const rows = [
      ...events,
      ...[...failures].map(([ip, tally]) => tallied(ip, tally)),
      ...(overflow ? [tallied('', overflow, { other_addresses: true })] : []),
    ];
    await recordAuditEvents(db, rows);
    return rows.length;
  }
}
