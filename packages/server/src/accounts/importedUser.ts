import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import type { User } from './users.js';

/**
 * A user as read from WordPress: every field of a Latchkey user but those Latchkey assigns. The
 * password hash is kept as WordPress wrote it (phpass, `$wp$2y$`, bcrypt) and replaced at the
 * next sign-in.
 */
export type ImportedUser = Omit<
  User,
  'id' | 'disabled' | 'credentialsVersion' | 'passwordMustChange'
>;

/**
 * Inserts a user brought over by `import-wordpress`. The caller (inside its transaction) has
 * already checked the login and email against the store and validated them; unlike createUser
 * the password is not hashed here, because only its hash exists.
 */
export async function insertImportedUser(
  db: Kysely<Database>,
  user: ImportedUser,
): Promise<number> {
  const row = await db
    .insertInto('users')
    .values({
      login: user.login,
      login_key: user.login.toLowerCase(),
      email: user.email,
      email_key: user.email.toLowerCase(),
      display_name: user.displayName,
      first_name: user.firstName,
      last_name: user.lastName,
      nickname: user.nickname,
      description: user.description,
      url: user.url,
      role: user.role,
      password_hash: user.passwordHash,
      registered: user.registered,
      email_verified_at: user.emailVerifiedAt,
      disabled: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
