import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

export interface AppIdBlock {
  appId: string;
  blockedBy: number | null;
  created: number;
  reason: string;
}

/** Blocks an app site-wide: its passwords stop working at once and it cannot be authorized again. */
export async function blockAppId(
  db: Kysely<Database>,
  appId: string,
  blockedBy: number | null,
  reason: string,
  now: number,
): Promise<boolean> {
  const existing = await db
    .selectFrom('app_id_blocks')
    .select('app_id')
    .where('app_id', '=', appId)
    .executeTakeFirst();
  if (existing) return false;
  await db
    .insertInto('app_id_blocks')
    .values({ app_id: appId, blocked_by: blockedBy, created: now, reason: reason.slice(0, 500) })
    .execute();
  return true;
}

export async function unblockAppId(db: Kysely<Database>, appId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('app_id_blocks')
    .where('app_id', '=', appId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listAppIdBlocks(db: Kysely<Database>): Promise<AppIdBlock[]> {
  const rows = await db
    .selectFrom('app_id_blocks')
    .selectAll()
    .orderBy('created', 'desc')
    .execute();
  return rows.map((r) => ({
    appId: r.app_id,
    blockedBy: r.blocked_by === null ? null : Number(r.blocked_by),
    created: Number(r.created),
    reason: r.reason,
  }));
}

export async function isAppIdBlocked(db: Kysely<Database>, appId: string): Promise<boolean> {
  if (appId === '') return false;
  return (
    (await db
      .selectFrom('app_id_blocks')
      .select('app_id')
      .where('app_id', '=', appId)
      .executeTakeFirst()) !== undefined
  );
}
