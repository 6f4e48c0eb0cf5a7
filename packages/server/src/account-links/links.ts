import type { Kysely, Selectable } from 'kysely';
import { keyedHash, randomToken } from '../crypto/index.js';
import type { Database } from '../store/index.js';
import type { AccountLinksTable } from '../store/schema.js';

/** What a mailed link is for (SPEC §12). */
export type LinkPurpose = 'reset' | 'invite' | 'register' | 'email_change';

const HOUR_MS = 3600_000;

/** A reset link lives one hour; the links that start an account or move its address, a day. */
export const LINK_LIFETIME_MS: Readonly<Record<LinkPurpose, number>> = Object.freeze({
  reset: HOUR_MS,
  invite: 24 * HOUR_MS,
  register: 24 * HOUR_MS,
  email_change: 24 * HOUR_MS,
});

/** The links that set a password. One of them at a time per account: a new one voids the others. */
export const PASSWORD_PURPOSES: readonly LinkPurpose[] = ['reset', 'invite', 'register'];

const groupOf = (purpose: LinkPurpose): readonly LinkPurpose[] =>
  purpose === 'email_change' ? ['email_change'] : PASSWORD_PURPOSES;

export interface AccountLink {
  id: number;
  userId: number;
  purpose: LinkPurpose;
  newEmail: string | null;
  created: number;
  expires: number;
  usedAt: number | null;
  voidedAt: number | null;
  ip: string;
}

/** `valid`, or why a presented link is refused (each has its own page text). */
export type LinkState = 'valid' | 'used' | 'expired' | 'superseded' | 'unknown';

const toLink = (row: Selectable<AccountLinksTable>): AccountLink => ({
  id: Number(row.id),
  userId: Number(row.user_id),
  purpose: row.purpose as LinkPurpose,
  newEmail: row.new_email,
  created: Number(row.created),
  expires: Number(row.expires),
  usedAt: row.used_at === null ? null : Number(row.used_at),
  voidedAt: row.voided_at === null ? null : Number(row.voided_at),
  ip: row.ip,
});

/** 32 random bytes: 43 base64url characters (SPEC §12 asks for 43 or more). */
export const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43,128}$/;

export function linkTokenHash(key: Buffer, token: string): string {
  return keyedHash(key, `account-link:${token}`);
}

/** A fresh token and its stored form: drawn and hashed even when no link will be stored. */
export function drawLinkToken(key: Buffer): { token: string; hash: string } {
  const token = randomToken(32);
  return { token, hash: linkTokenHash(key, token) };
}

/**
 * Stores a new link (only the keyed hash of its token) and voids every earlier live link of the
 * same kind for the account, in one transaction: a new request voids the old link.
 */
export async function issueLink(
  db: Kysely<Database>,
  drawn: { token: string; hash: string },
  input: {
    userId: number;
    purpose: LinkPurpose;
    newEmail?: string;
    ip: string | null;
    now: number;
  },
): Promise<AccountLink> {
  const { userId, purpose, now } = input;
  return db.transaction().execute(async (tx) => {
    await tx
      .updateTable('account_links')
      .set({ voided_at: now })
      .where('user_id', '=', userId)
      .where('purpose', 'in', [...groupOf(purpose)])
      .where('used_at', 'is', null)
      .where('voided_at', 'is', null)
      .execute();
    // Housekeeping: what is long dead is of no use, not even to the pages' "expired" answer.
    await tx
      .deleteFrom('account_links')
      .where('user_id', '=', userId)
      .where('expires', '<', now - 7 * 24 * HOUR_MS)
      .execute();
    const row = await tx
      .insertInto('account_links')
      .values({
        token_hash: drawn.hash,
        user_id: userId,
        purpose,
        new_email: input.newEmail ?? null,
        created: now,
        expires: now + LINK_LIFETIME_MS[purpose],
        ip: (input.ip ?? '').slice(0, 64),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toLink(row);
  });
}

/**
 * The hourly sweep: links that expired more than a week ago (kept that long only so a late
 * click still gets the "expired" answer rather than "unknown"). Returns how many went.
 */
export async function purgeDeadLinks(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db
    .deleteFrom('account_links')
    .where('expires', '<', now - 7 * 24 * HOUR_MS)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The link a presented token names, and whether it may still be used. */
export async function findLink(
  db: Kysely<Database>,
  key: Buffer,
  token: string,
  now: number,
): Promise<{ state: LinkState; link?: AccountLink }> {
  if (!LINK_TOKEN_PATTERN.test(token)) return { state: 'unknown' };
  const row = await db
    .selectFrom('account_links')
    .selectAll()
    .where('token_hash', '=', linkTokenHash(key, token))
    .executeTakeFirst();
  if (!row) return { state: 'unknown' };
  const link = toLink(row);
  const state: LinkState =
    link.usedAt !== null
      ? 'used'
      : link.voidedAt !== null
        ? 'superseded'
        : link.expires <= now
          ? 'expired'
          : 'valid';
  return { state, link };
}

/**
 * Spends a link: one conditional update, so of any number of concurrent submissions exactly one
 * sees a row changed. False when it was used, voided or expired meanwhile.
 */
export async function spendLink(
  db: Kysely<Database>,
  linkId: number,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('account_links')
    .set({ used_at: now })
    .where('id', '=', linkId)
    .where('used_at', 'is', null)
    .where('voided_at', 'is', null)
    .where('expires', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Voids the account's live links of these kinds (a cancelled invitation or email change). */
export async function voidLinks(
  db: Kysely<Database>,
  userId: number,
  purposes: readonly LinkPurpose[],
  now: number,
): Promise<number> {
  const result = await db
    .updateTable('account_links')
    .set({ voided_at: now })
    .where('user_id', '=', userId)
    .where('purpose', 'in', [...purposes])
    .where('used_at', 'is', null)
    .where('voided_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The account's newest link of these kinds that was neither used nor voided (maybe expired). */
export async function latestOpenLink(
  db: Kysely<Database>,
  userId: number,
  purposes: readonly LinkPurpose[],
): Promise<AccountLink | undefined> {
  const row = await db
    .selectFrom('account_links')
    .selectAll()
    .where('user_id', '=', userId)
    .where('purpose', 'in', [...purposes])
    .where('used_at', 'is', null)
    .where('voided_at', 'is', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row && toLink(row);
}

/** Invitations not yet accepted nor cancelled (expired ones too: they can be resent). */
export async function listOpenInvitations(db: Kysely<Database>): Promise<AccountLink[]> {
  const rows = await db
    .selectFrom('account_links')
    .selectAll()
    .where('purpose', '=', 'invite')
    .where('used_at', 'is', null)
    .where('voided_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  return rows.map(toLink);
}
