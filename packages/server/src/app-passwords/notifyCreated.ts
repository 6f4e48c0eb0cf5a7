import type { Kysely } from 'kysely';
import type { User } from '../accounts/index.js';
import { applicationPasswordCreated, type Mailer, type SendResult } from '../mail/index.js';
import { readSettings } from '../settings/index.js';
import type { Database } from '../store/index.js';
import type { ApplicationPassword } from './records.js';

/** Where a creation came from, as the owner is told it. */
export interface CreationOrigin {
  ip: string | null;
  userAgent: string | null | undefined;
}

/**
 * Tells the owner that a credential was created for their account (SPEC §3.4), whichever path
 * created it (REST, the account page, the authorize screen, the command line): a stolen session
 * or a shell on the server could otherwise mint a lasting credential unseen.
 */
export async function mailApplicationPasswordCreated(
  deps: { db: Kysely<Database>; mailer: Mailer; siteUrl: string },
  owner: User,
  record: ApplicationPassword,
  origin: CreationOrigin,
): Promise<SendResult> {
  const settings = await readSettings(deps.db);
  const content = applicationPasswordCreated({
    siteName: settings.title,
    siteUrl: deps.siteUrl,
    userLogin: owner.login,
    passwordName: record.name,
    appId: record.appId,
    ip: origin.ip,
    userAgent: origin.userAgent,
    createdAt: new Date(record.created),
    revokeUrl: `${deps.siteUrl}/account#application-passwords`,
  });
  return deps.mailer.send({ to: owner.email, ...content });
}
