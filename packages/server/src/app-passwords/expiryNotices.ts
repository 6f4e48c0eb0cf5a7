import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

export const EXPIRY_NOTICE_MS = 7 * 24 * 3600 * 1000;

export interface ExpiringPassword {
  uuid: string;
  userId: number;
  name: string;
  expires: number;
  email: string;
  login: string;
}

/**
 * Claims the passwords that expire within a week and whose owner was not told yet, marking
 * them as notified in the same step (a conditional update), so two nodes never both mail.
 */
export async function claimExpiringPasswords(
  db: Kysely<Database>,
  now: number,
): Promise<ExpiringPassword[]> {
  const candidates = await db
    .selectFrom('application_passwords as ap')
    .innerJoin('users as u', 'u.id', 'ap.user_id')
    .select(['ap.uuid', 'ap.user_id', 'ap.name', 'ap.expires', 'u.email', 'u.login'])
    .where('ap.expires', 'is not', null)
    .where('ap.expires', '>', now)
    .where('ap.expires', '<=', now + EXPIRY_NOTICE_MS)
    .where('ap.expiry_notified_at', 'is', null)
    .where('u.disabled', '=', 0)
    .execute();
  const claimed: ExpiringPassword[] = [];
  for (const c of candidates) {
    const result = await db
      .updateTable('application_passwords')
      .set({ expiry_notified_at: now })
      .where('uuid', '=', c.uuid)
      .where('expiry_notified_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) {
      claimed.push({
        uuid: c.uuid,
        userId: Number(c.user_id),
        name: c.name,
        expires: Number(c.expires),
        email: c.email,
        login: c.login,
      });
    }
  }
  return claimed;
}
