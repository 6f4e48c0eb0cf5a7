import type { AppContext } from '../../context.js';

/**
 * The first use of a credential on a service is an audit event (SPEC §11). Each node remembers
 * the pairs it has seen, so a warm pair costs nothing; a pair new to this node is claimed in
 * the store off the request path (one conditional insert), and only the node whose insert
 * landed records the event, so it is written once however many nodes see the credential.
 */
export class ServiceFirstUses {
  private readonly seen = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private static readonly MAX_SEEN = 100_000;

  constructor(private readonly ctx: AppContext) {}

  note(input: {
    credential: string;
    service: string;
    userId: number;
    ip: string;
    userAgent: string;
  }): void {
    const key = `${input.credential}\0${input.service}`;
    if (this.seen.has(key)) return;
    if (this.seen.size >= ServiceFirstUses.MAX_SEEN) this.seen.clear();
    this.seen.add(key);
    const now = this.ctx.now();
    const work = this.ctx.db
      .insertInto('service_first_uses')
      .values({ credential: input.credential, service: input.service, time: now })
      .onConflict((oc) => oc.columns(['credential', 'service']).doNothing())
      .executeTakeFirst()
      .then((result) => {
        if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return;
        this.ctx.auditBuffer.add(
          {
            event: 'forward_auth.first_use',
            userId: input.userId,
            ip: input.ip,
            userAgent: input.userAgent,
            credential: input.credential,
            details: { service: input.service },
          },
          now,
        );
      })
      .catch((error: unknown) => {
        this.seen.delete(key);
        this.ctx.logger.warn({ err: error }, 'could not record a first use on a service');
      })
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  /** Waits for the claims in flight (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
