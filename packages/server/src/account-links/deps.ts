import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { User } from '../accounts/index.js';
import type { AccountMailBase, MailContent, Mailer, SendResult } from '../mail/index.js';
import type { LimitDecision } from '../rate-limit/index.js';
import { readSettings } from '../settings/index.js';
import type { Database } from '../store/index.js';

/** What the flows of SPEC §12 need; the server builds it from its context, the CLI on its own. */
export interface AccountLinkDeps {
  db: Kysely<Database>;
  /** keys.accountLinks: the key of the tokens' keyed hashes. */
  key: Buffer;
  mailer: Mailer;
  siteUrl: string;
  logger: Logger;
  now(): number;
  /** §12's 3 mails per account and hour (absent on the command line: the operator is trusted). */
  accountMailLimit?: (accountKey: string) => Promise<LimitDecision>;
}

/** Where a request came from, as the mail and the audit trail name it. */
export interface LinkOrigin {
  /** null on the command line. */
  ip: string | null;
  userAgent: string;
  /** The audit row's credential: `session:<id>`, `cli`, or null for a signed-out form. */
  credential: string | null;
}

export const auditOrigin = (origin: LinkOrigin) => ({
  ip: origin.ip ?? 'cli',
  userAgent: origin.userAgent,
  credential: origin.credential,
});

/** The link a person opens: absolute, on the site URL. */
export function linkUrl(
  deps: AccountLinkDeps,
  path: string,
  query: Record<string, string>,
): string {
  return `${deps.siteUrl}${path}?${new URLSearchParams(query).toString()}`;
}

/** The facts every §12 mail names. */
export async function mailBase(
  deps: AccountLinkDeps,
  user: User,
  origin: LinkOrigin,
): Promise<AccountMailBase> {
  const settings = await readSettings(deps.db);
  return {
    siteName: settings.title,
    siteUrl: deps.siteUrl,
    userLogin: user.login,
    ip: origin.ip,
    time: new Date(deps.now()),
  };
}

export function send(deps: AccountLinkDeps, to: string, content: MailContent): Promise<SendResult> {
  return deps.mailer.send({ to, ...content });
}

/**
 * Work that must not shape the response (what a signed-out form would otherwise reveal by its
 * timing): run after the answer, errors logged. The mailer waits for its messages at shutdown.
 */
export function inBackground(deps: AccountLinkDeps, what: string, work: () => Promise<unknown>) {
  void work().catch((err: unknown) => deps.logger.warn({ err }, `${what} failed`));
}
