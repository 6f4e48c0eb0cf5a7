import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import {
  isLegacyAccountHash,
  replaceLegacyAccountHash,
  verifyLegacyAccountHash,
} from './legacyPasswordHash.js';

// OWASP's argon2id parameters: 19 MiB, 2 passes, 1 lane. @node-rs/argon2 runs in its own
// thread pool, so hashing never blocks the event loop.
// algorithm 2 = Argon2id (the package's const enum cannot be imported under verbatimModuleSyntax).
const PARAMS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MAX_PASSWORD_LENGTH = 1024;

/**
 * How many argon2id computations run at once. Each takes a core for ~10 ms; with every core
 * hashing, the event loop (every API request) waits behind them. So one core is always left to
 * the event loop: on 2 cores one hash at a time (about 100 sign-ins per second), the rest queue
 * here in arrival order. Sign-in limits (SPEC §7) bound how long that queue can grow per account.
 */
export const HASH_CONCURRENCY = Math.max(1, availableParallelism() - 1);

let running = 0;
const queue: Array<() => void> = [];

async function inHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= HASH_CONCURRENCY) await new Promise<void>((resolve) => queue.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = queue.shift();
    if (next) next();
    else running--;
  }
}

/**
 * The stored hash of an account that has no password yet (invited or registered, SPEC §12). No
 * hash function produces it, so no password ever verifies against it.
 */
export const UNUSABLE_PASSWORD_HASH = '!unset';

export function hashAccountPassword(password: string): Promise<string> {
  return inHashSlot(() => hash(password, PARAMS));
}

export async function verifyAccountPassword(
  storedHash: string,
  password: string,
): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  if (isLegacyAccountHash(storedHash)) {
    // phpass and bcrypt are faster than argon2id: spend the argon2id time as well, so the
    // response time does not tell which accounts were imported and not signed in since.
    const [ok] = await Promise.all([
      verifyLegacyAccountHash(storedHash, password),
      burnVerificationTime(password),
    ]);
    return ok;
  }
  if (!storedHash.startsWith('$argon2')) {
    // An account without a password answers as slowly as one with a wrong password: the
    // sign-in form must not tell which accounts are still waiting for their first password.
    await burnVerificationTime(password);
    return false;
  }
  try {
    return await inHashSlot(() => verify(storedHash, password));
  } catch {
    return false;
  }
}

/**
 * Verifies the account password at sign-in; an imported WordPress hash that matches is
 * re-hashed to argon2id on the spot (SPEC §13).
 *
 * The re-hash is conditional on the stored hash still being the imported one. When it is not
 * (a forced reset, an administrator's set-password or a password change landed after `user`
 * was read), the password is checked again against the hash stored now, so the old password
 * never gets in after it was replaced; a concurrent sign-in that upgraded the same password
 * first still verifies.
 */
export async function verifyAndUpgradeAccountPassword(
  db: Kysely<Database>,
  user: { id: number; passwordHash: string },
  password: string,
): Promise<boolean> {
  const ok = await verifyAccountPassword(user.passwordHash, password);
  if (!ok || !isLegacyAccountHash(user.passwordHash)) return ok;
  const replaced = await replaceLegacyAccountHash(
    db,
    user.id,
    user.passwordHash,
    await hashAccountPassword(password),
  );
  if (replaced) return true;
  const current = await db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', user.id)
    .executeTakeFirst();
  // Verified once, without a further upgrade: whatever is stored now decides.
  return current !== undefined && (await verifyAccountPassword(current.password_hash, password));
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same work as a real verification, for logins that do not exist, so response
 * time does not tell which logins are registered.
 */
export async function burnVerificationTime(password: string): Promise<void> {
  dummyHash ??= hashAccountPassword('latchkey-timing-equaliser');
  await verifyAccountPassword(await dummyHash, password.slice(0, MAX_PASSWORD_LENGTH));
}
