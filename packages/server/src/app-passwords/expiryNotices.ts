import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { plainMessage, type Mailer } from '../mail/index.js';
import { readSettings } from '../settings/index.js';
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

/**
 * The hourly job: tells owners, once per password, that an application password expires within
 * a week, so the programs using it can be given a new one in time. Safe on several nodes (the
 * claim above). Returns how many were told.
 */
export async function mailExpiryNotices(deps: {
  db: Kysely<Database>;
  mailer: Mailer;
  logger: Logger;
  siteUrl: string;
  now: number;
}): Promise<number> {
  const expiring = await claimExpiringPasswords(deps.db, deps.now);
  if (expiring.length === 0) return 0;
  const settings = await readSettings(deps.db);
  for (const p of expiring) {
    const when = new Date(p.expires).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
    const content = plainMessage(
      `[${settings.title}] An application password expires soon`,
      `The application password "${p.name.replace(/[\r\n]+/g, ' ')}" of the account "${p.login}" on ${settings.title} stops working on ${when}.\n\n` +
        `If a program still needs it, create a new one and give it to the program:\n${deps.siteUrl}/account#application-passwords\n`,
    );
    await deps.mailer
      .send({ to: p.email, ...content })
      .catch((err: unknown) =>
        deps.logger.warn({ err, user: p.userId }, 'could not send the expiry notice'),
      );
  }
  return expiring.length;
}
