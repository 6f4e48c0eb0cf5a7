import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { recordAuditEvent, type AuditEventInput } from './events.js';

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
    }
  }

  add(input: AuditEventInput, now: number): void {
    if (this.events.length < AuditBuffer.MAX_EVENTS) this.events.push({ input, time: now });
  }

  async flush(db: Kysely<Database>): Promise<number> {
    const events = this.events;
    const failures = this.failures;
    this.events = [];
    this.failures = new Map();
    for (const { input, time } of events) await recordAuditEvent(db, input, time);
    for (const [ip, tally] of failures) {
      await recordAuditEvent(
        db,
        {
          event: 'app_password.failure',
          userId: null,
          ip,
          userAgent: tally.userAgent,
          credential: 'basic',
          details: {
            count: tally.count,
            first: new Date(tally.first).toISOString(),
            last: new Date(tally.last).toISOString(),
          },
        },
        tally.last,
      );
    }
    return events.length + failures.size;
  }
}
