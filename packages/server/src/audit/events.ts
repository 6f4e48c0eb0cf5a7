import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

export const AUDIT_EVENTS = [
  'login.success',
  'login.failure',
  'two_factor.success',
  'two_factor.failure',
  'two_factor.enabled',
  'two_factor.disabled',
  'two_factor.reset',
  'app_password.created',
  'app_password.renamed',
  'app_password.revoked',
  'app_password.blocked',
  'app_password.failure',
  'app_password.new_ip',
  'app_password.unblocked',
  'session.ended',
  'password.changed',
  'password.forced_reset',
  'settings.changed',
  'user.created',
  'user.role_changed',
  'user.disabled',
  'user.enabled',
  'user.deleted',
  'user.profile_changed',
  'user.invited',
  'user.invitation_cancelled',
  'user.registered',
  'password.reset_requested',
  'password.reset',
  'password.set',
  'email.change_requested',
  'email.change_cancelled',
  'email.changed',
  'service.created',
  'service.removed',
  'forward_auth.denied',
  'forward_auth.first_use',
] as const;
export type AuditEventName = (typeof AUDIT_EVENTS)[number];

export interface AuditEventInput {
  event: AuditEventName;
  userId: number | null;
  ip: string;
  userAgent: string;
  /** Which credential acted: `session:<id>`, `password`, `app_password:<uuid>`, `cli`. */
  credential?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditEvent {
  id: number;
  time: number;
  event: string;
  userId: number | null;
  ip: string;
  userAgent: string;
  credential: string | null;
  details: Record<string, unknown>;
}

const auditRow = (input: AuditEventInput, now: number) => ({
  time: now,
  event: input.event,
  user_id: input.userId,
  ip: input.ip.slice(0, 64),
  user_agent: input.userAgent.slice(0, 512),
  credential: input.credential ?? null,
  details: JSON.stringify(input.details ?? {}),
});

export async function recordAuditEvent(
  db: Kysely<Database>,
  input: AuditEventInput,
  now = Date.now(),
): Promise<void> {
  await db.insertInto('audit_events').values(auditRow(input, now)).execute();
}

/** Rows per statement when events are written in bulk (well under both dialects' limits). */
const BATCH = 200;

/**
 * Many events at once (the periodic flush): a few hundred rows per statement, and the event
 * loop gets a turn between statements, so a flush after a flood never stalls the API.
 */
export async function recordAuditEvents(
  db: Kysely<Database>,
  events: ReadonlyArray<{ input: AuditEventInput; time: number }>,
): Promise<void> {
  for (let i = 0; i < events.length; i += BATCH) {
    const rows = events.slice(i, i + BATCH).map((e) => auditRow(e.input, e.time));
    await db.insertInto('audit_events').values(rows).execute();
    if (i + BATCH < events.length) await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function listAuditEvents(
  db: Kysely<Database>,
  q: { userId?: number; credential?: string; page: number; perPage: number },
): Promise<{ events: AuditEvent[]; total: number }> {
  let base = db.selectFrom('audit_events');
  if (q.userId !== undefined) base = base.where('user_id', '=', q.userId);
  if (q.credential !== undefined) base = base.where('credential', '=', q.credential);
  const count = await base
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('id', 'desc')
    .limit(q.perPage)
    .offset((q.page - 1) * q.perPage)
    .execute();
  return {
    total: Number(count.n),
    events: rows.map((r) => ({
      id: Number(r.id),
      time: Number(r.time),
      event: r.event,
      userId: r.user_id === null ? null : Number(r.user_id),
      ip: r.ip,
      userAgent: r.user_agent,
      credential: r.credential,
      details: safeParse(r.details),
    })),
  };
}

function safeParse(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
