import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../store/index.js';
import type { UserTwoFactorTable } from '../store/schema.js';
import { isProviderId, type ProviderId } from './providers.js';

export interface TwoFactorState {
  userId: number;
  enabled: ProviderId[];
  primary: ProviderId | null;
  totpSecretSealed: string | null;
  totpLastStep: number | null;
  failures: number;
  lastFailureAt: number | null;
  emailCodeHash: string | null;
  emailCodeExpires: number | null;
  emailSends: number[];
  proofCodeHash: string | null;
  proofCodeExpires: number | null;
  proofEmail: string | null;
}

const json = <T>(text: string | null | undefined, fallback: T): T => {
  try {
    return text ? (JSON.parse(text) as T) : fallback;
  } catch {
    return fallback;
  }
};

function toState(userId: number, row: Selectable<UserTwoFactorTable> | undefined): TwoFactorState {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    userId,
    enabled: json<unknown[]>(row?.providers, []).filter(isProviderId),
    primary: isProviderId(row?.primary_provider) ? row.primary_provider : null,
    totpSecretSealed: row?.totp_secret ?? null,
    totpLastStep: num(row?.totp_last_step),
    failures: Number(row?.failures ?? 0),
    lastFailureAt: num(row?.last_failure_at),
    emailCodeHash: row?.email_code_hash ?? null,
    emailCodeExpires: num(row?.email_code_expires),
    emailSends: json<number[]>(row?.email_sends, []).filter((n) => typeof n === 'number'),
    proofCodeHash: row?.proof_code_hash ?? null,
    proofCodeExpires: num(row?.proof_code_expires),
    proofEmail: row?.proof_email ?? null,
  };
}

export async function loadTwoFactorState(
  db: Kysely<Database>,
  userId: number,
): Promise<TwoFactorState> {
  const row = await db
    .selectFrom('user_two_factor')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return toState(userId, row);
}

export type TwoFactorChanges = Partial<Omit<TwoFactorState, 'userId'>>;

/** Writes the given fields (creating the row on first use). */
export async function saveTwoFactorState(
  db: Kysely<Database>,
  userId: number,
  changes: TwoFactorChanges,
): Promise<void> {
  const values: Updateable<UserTwoFactorTable> = {};
  if (changes.enabled !== undefined)
    values.providers = JSON.stringify([...new Set(changes.enabled)]);
  if (changes.primary !== undefined) values.primary_provider = changes.primary;
  if (changes.totpSecretSealed !== undefined) values.totp_secret = changes.totpSecretSealed;
  if (changes.totpLastStep !== undefined) values.totp_last_step = changes.totpLastStep;
  if (changes.failures !== undefined) values.failures = changes.failures;
  if (changes.lastFailureAt !== undefined) values.last_failure_at = changes.lastFailureAt;
  if (changes.emailCodeHash !== undefined) values.email_code_hash = changes.emailCodeHash;
  if (changes.emailCodeExpires !== undefined) values.email_code_expires = changes.emailCodeExpires;
  if (changes.emailSends !== undefined) values.email_sends = JSON.stringify(changes.emailSends);
  if (changes.proofCodeHash !== undefined) values.proof_code_hash = changes.proofCodeHash;
  if (changes.proofCodeExpires !== undefined) values.proof_code_expires = changes.proofCodeExpires;
  if (changes.proofEmail !== undefined) values.proof_email = changes.proofEmail;
  if (Object.keys(values).length === 0) return;
  await db
    .insertInto('user_two_factor')
    .values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute();
}

/** Creates the user's row if missing, so that a conditional update after it has a row to match. */
export async function ensureTwoFactorRow(db: Kysely<Database>, userId: number): Promise<void> {
  await db
    .insertInto('user_two_factor')
    .values({ user_id: userId })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
}

export async function countUnusedBackupCodes(
  db: Kysely<Database>,
  userId: number,
): Promise<number> {
  const row = await db
    .selectFrom('backup_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface WebauthnCredential {
  id: string;
  userId: number;
  name: string;
  publicKey: string;
  counter: number;
  transports: string[];
  created: number;
  lastUsed: number | null;
}

export async function listWebauthnCredentials(
  db: Kysely<Database>,
  userId: number,
): Promise<WebauthnCredential[]> {
  const rows = await db
    .selectFrom('webauthn_credentials')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created', 'asc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: Number(r.user_id),
    name: r.name,
    publicKey: r.public_key,
    counter: Number(r.counter),
    transports: json<string[]>(r.transports, []),
    created: Number(r.created),
    lastUsed: r.last_used === null ? null : Number(r.last_used),
  }));
}

// Login challenges have their own module; re-exported because cli/userCommands.ts imports it from here.
export { clearLoginChallenges } from './loginChallenges.js';
