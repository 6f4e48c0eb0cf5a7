import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { countUsers, createUser } from './users.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random password of `length` characters from [A-Za-z0-9], each uniform (CSPRNG). */
export function generatePassword(length = 24): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/**
 * On an empty store, creates the `admin` administrator. Returns the password when it was
 * generated (the caller prints it once), or null when nothing was created or it was given.
 */
export async function bootstrapAdministrator(
  db: Kysely<Database>,
  givenPassword: string | undefined,
  now: number,
): Promise<{ created: boolean; generatedPassword: string | null }> {
  if ((await countUsers(db)) > 0) return { created: false, generatedPassword: null };
  const password = givenPassword ?? generatePassword();
  const admin = await createUser(
    db,
    {
      login: 'admin',
      email: 'admin@localhost.localdomain',
      password,
      role: 'administrator',
      displayName: 'Administrator',
    },
    now,
  );
  // SPEC §6.5: a generated password is single-use. Its first sign-in may only replace it.
  if (!givenPassword)
    await db
      .updateTable('users')
      .set({ password_must_change: 1 })
      .where('id', '=', admin.id)
      .execute();
  return { created: true, generatedPassword: givenPassword ? null : password };
}
