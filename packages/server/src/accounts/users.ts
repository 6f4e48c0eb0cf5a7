import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../store/index.js';
import type { UsersTable } from '../store/schema.js';
import { AccountError } from './errors.js';
import { UNUSABLE_PASSWORD_HASH, hashAccountPassword } from './passwordHash.js';
import { isRole, type Role } from './roles.js';
import { readSettings } from '../settings/index.js';
import { newPasswordProblem, type PasswordIdentity } from './passwordPolicy.js';
import { isValidEmail, isValidLogin } from './validation.js';

export interface User {
  id: number;
  login: string;
  email: string;
  displayName: string;
  firstName: string;
  lastName: string;
  nickname: string;
  description: string;
  url: string;
  role: Role;
  passwordHash: string;
  registered: number;
  emailVerifiedAt: number | null;
  disabled: boolean;
  credentialsVersion: number;
  /** The first administrator's generated password, not yet changed: single-use (§6.5). */
  passwordMustChange: boolean;
}

export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    login: row.login,
    email: row.email,
    displayName: row.display_name,
    firstName: row.first_name,
    lastName: row.last_name,
    nickname: row.nickname,
    description: row.description,
    url: row.url,
    role: isRole(row.role) ? row.role : 'subscriber',
    passwordHash: row.password_hash,
    registered: Number(row.registered),
    emailVerifiedAt: row.email_verified_at === null ? null : Number(row.email_verified_at),
    disabled: Number(row.disabled) === 1,
    credentialsVersion: Number(row.credentials_version),
    passwordMustChange: Number(row.password_must_change ?? 0) === 1,
  };
}

export interface NewUser {
  login: string;
  email: string;
  /**
   * null: the account gets no usable password (an invitation or a registration, SPEC §12); the
   * person sets one through a mailed link.
   */
  password: string | null;
  role: Role | string;
  displayName?: string;
  firstName?: string;
  lastName?: string;
  nickname?: string;
  description?: string;
  url?: string;
  emailVerified?: boolean;
}

export async function createUser(
  db: Kysely<Database>,
  input: NewUser,
  now = Date.now(),
): Promise<User> {
  const login = input.login.trim();
  const email = input.email.trim();
  if (!isValidLogin(login)) {
    throw new AccountError(
      'invalid_username',
      'Sorry, that username is not allowed: use letters, digits, spaces and _ . - @ (at most 60).',
    );
  }
  if (!isValidEmail(email))
    throw new AccountError('invalid_email', 'Sorry, that email address is not valid.');
  if (!isRole(input.role))
    throw new AccountError('invalid_role', `Unknown role ${JSON.stringify(input.role)}.`);
  if (input.password !== null) await assertNewPasswordAllowed(db, input.password, { login, email });
  await assertUnique(db, login, email, null);
  const passwordHash =
    input.password === null ? UNUSABLE_PASSWORD_HASH : await hashAccountPassword(input.password);
  try {
    const row = await db
      .insertInto('users')
      .values({
        login,
        login_key: login.toLowerCase(),
        email,
        email_key: email.toLowerCase(),
        display_name: input.displayName?.trim() || login,
        first_name: input.firstName ?? '',
        last_name: input.lastName ?? '',
        nickname: input.nickname ?? login,
        description: input.description ?? '',
        url: input.url ?? '',
        role: input.role,
        password_hash: passwordHash,
        registered: now,
        email_verified_at: input.emailVerified ? now : null,
        disabled: 0,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  } catch (error) {
    // A concurrent insert won the race between the check and the insert.
    await assertUnique(db, login, email, null);
    throw error;
  }
}

async function assertUnique(
  db: Kysely<Database>,
  login: string | null,
  email: string | null,
  exceptId: number | null,
) {
  if (login !== null) {
    const hit = await db
      .selectFrom('users')
      .select('id')
      .where('login_key', '=', login.toLowerCase())
      .executeTakeFirst();
    if (hit && hit.id !== exceptId)
      throw new AccountError('existing_user_login', 'Sorry, that username already exists!');
  }
  if (email !== null) {
    const hit = await db
      .selectFrom('users')
      .select('id')
      .where('email_key', '=', email.toLowerCase())
      .executeTakeFirst();
    if (hit && hit.id !== exceptId)
      throw new AccountError('existing_user_email', 'Sorry, that email address is already used!');
  }
}

export async function findUserById(db: Kysely<Database>, id: number): Promise<User | undefined> {
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

/** Finds by login (case-insensitive) or, when the text holds an `@` and no login matches, by email. */
export async function findUserByLoginOrEmail(
  db: Kysely<Database>,
  loginOrEmail: string,
): Promise<User | undefined> {
  const key = loginOrEmail.trim().toLowerCase();
  if (key === '' || key.length > 254) return undefined;
  const byLogin = await db
    .selectFrom('users')
    .selectAll()
    .where('login_key', '=', key)
    .executeTakeFirst();
  if (byLogin) return toUser(byLogin);
  if (!key.includes('@')) return undefined;
  const byEmail = await db
    .selectFrom('users')
    .selectAll()
    .where('email_key', '=', key)
    .executeTakeFirst();
  return byEmail && toUser(byEmail);
}

export async function requireUserByLogin(db: Kysely<Database>, login: string): Promise<User> {
  const user = await findUserByLoginOrEmail(db, login);
  if (!user) throw new AccountError('unknown_user', `No user with login ${JSON.stringify(login)}.`);
  return user;
}

export interface UserListQuery {
  page: number;
  perPage: number;
  search?: string;
  roles?: Role[];
  orderBy?: 'id' | 'login' | 'display_name' | 'email' | 'registered';
  order?: 'asc' | 'desc';
}

export async function listUsers(
  db: Kysely<Database>,
  q: UserListQuery,
): Promise<{ users: User[]; total: number }> {
  let base = db.selectFrom('users');
  if (q.search) {
    const like = `%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    base = base.where((eb) =>
      eb.or([
        eb('login_key', 'like', like),
        eb('email_key', 'like', like),
        eb(eb.fn('lower', ['display_name']), 'like', like),
      ]),
    );
  }
  if (q.roles && q.roles.length > 0) base = base.where('role', 'in', q.roles);
  const countRow = await base
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const offset = (q.page - 1) * q.perPage;
  // A page past the end is empty; a huge one must not reach the database as an overflow.
  if (!Number.isSafeInteger(offset) || offset >= Number(countRow.n)) {
    return { users: [], total: Number(countRow.n) };
  }
  const orderColumn = q.orderBy === 'login' ? 'login_key' : (q.orderBy ?? 'id');
  const rows = await base
    .selectAll()
    .orderBy(orderColumn, q.order ?? 'asc')
    .orderBy('id', 'asc')
    .limit(q.perPage)
    .offset(offset)
    .execute();
  return { users: rows.map(toUser), total: Number(countRow.n) };
}

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface UserChanges {
  email?: string;
  displayName?: string;
  firstName?: string;
  lastName?: string;
  nickname?: string;
  description?: string;
  url?: string;
  role?: string;
}

export async function updateUser(
  db: Kysely<Database>,
  user: User,
  changes: UserChanges,
): Promise<User> {
  const values: Updateable<UsersTable> = {};
  if (
    changes.email !== undefined &&
    changes.email.trim().toLowerCase() !== user.email.toLowerCase()
  ) {
    const email = changes.email.trim();
    if (!isValidEmail(email))
      throw new AccountError('invalid_email', 'Sorry, that email address is not valid.');
    await assertUnique(db, null, email, user.id);
    values.email = email;
    values.email_key = email.toLowerCase();
    values.email_verified_at = null;
  }
  if (changes.role !== undefined && changes.role !== user.role) {
    if (!isRole(changes.role))
      throw new AccountError('invalid_role', `Unknown role ${JSON.stringify(changes.role)}.`);
    if (user.role === 'administrator') await assertNotLastAdministrator(db, user.id);
    values.role = changes.role;
  }
  if (changes.displayName !== undefined)
    values.display_name = changes.displayName.trim().slice(0, 250) || user.login;
  if (changes.firstName !== undefined) values.first_name = changes.firstName.slice(0, 250);
  if (changes.lastName !== undefined) values.last_name = changes.lastName.slice(0, 250);
  if (changes.nickname !== undefined) values.nickname = changes.nickname.slice(0, 250);
  if (changes.description !== undefined) values.description = changes.description.slice(0, 10_000);
  if (changes.url !== undefined) values.url = changes.url.slice(0, 2048);
  if (Object.keys(values).length === 0) return user;
  await db.updateTable('users').set(values).where('id', '=', user.id).execute();
  return (await findUserById(db, user.id))!;
}

/**
 * Throws the AccountError of SPEC §6.5's rules for a new password: length, the common list,
 * and not containing the site's name, the login or the email. Every path that stores a
 * password (sign-up, reset, change, administrators, CLI, REST) comes through here.
 */
export async function assertNewPasswordAllowed(
  db: Kysely<Database>,
  password: string,
  identity: Omit<PasswordIdentity, 'siteName'>,
): Promise<void> {
  const { title } = await readSettings(db);
  const problem = newPasswordProblem(password, { ...identity, siteName: title });
  if (problem) throw new AccountError(problem.code, problem.message);
}

export async function setUserPassword(
  db: Kysely<Database>,
  userId: number,
  password: string,
): Promise<void> {
  const user = await db
    .selectFrom('users')
    .select(['login', 'email'])
    .where('id', '=', userId)
    .executeTakeFirst();
  await assertNewPasswordAllowed(db, password, user ?? {});
  const passwordHash = await hashAccountPassword(password);
  await db
    .updateTable('users')
    .set((eb) => ({
      password_hash: passwordHash,
      credentials_version: eb('credentials_version', '+', 1),
      password_must_change: 0,
    }))
    .where('id', '=', userId)
    .execute();
}

/** Whether the account has a password at all (invited and registered accounts start without). */
export function hasUsablePassword(user: Pick<User, 'passwordHash'>): boolean {
  return user.passwordHash !== UNUSABLE_PASSWORD_HASH;
}

/**
 * Moves the account to an address its owner proved to hold (the confirmation link mailed there)
 * or an administrator chose: verified when proved, unverified otherwise. The credentials version
 * is bumped: the address is where resets and the second-factor fallback go.
 */
export async function setUserEmail(
  db: Kysely<Database>,
  user: User,
  email: string,
  verifiedAt: number | null,
): Promise<User> {
  const next = email.trim();
  if (!isValidEmail(next))
    throw new AccountError('invalid_email', 'Sorry, that email address is not valid.');
  await assertUnique(db, null, next, user.id);
  await db
    .updateTable('users')
    .set((eb) => ({
      email: next,
      email_key: next.toLowerCase(),
      email_verified_at: verifiedAt,
      credentials_version: eb('credentials_version', '+', 1),
    }))
    .where('id', '=', user.id)
    .execute();
  return (await findUserById(db, user.id))!;
}

/** Marks the address verified (a set-password link mailed to it was used). */
export async function markEmailVerified(
  db: Kysely<Database>,
  userId: number,
  now: number,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ email_verified_at: now })
    .where('id', '=', userId)
    .where('email_verified_at', 'is', null)
    .execute();
}

/** Throws `existing_user_email` when another account holds the address. */
export function assertEmailAvailable(
  db: Kysely<Database>,
  email: string,
  exceptId: number | null,
): Promise<void> {
  return assertUnique(db, null, email, exceptId);
}

export async function setUserDisabled(
  db: Kysely<Database>,
  user: User,
  disabled: boolean,
): Promise<void> {
  if (disabled && user.role === 'administrator') await assertNotLastAdministrator(db, user.id);
  await db
    .updateTable('users')
    .set((eb) => ({
      disabled: disabled ? 1 : 0,
      credentials_version: eb('credentials_version', '+', 1),
    }))
    .where('id', '=', user.id)
    .execute();
}

export async function deleteUser(db: Kysely<Database>, user: User): Promise<void> {
  if (user.role === 'administrator') await assertNotLastAdministrator(db, user.id);
  await db.deleteFrom('users').where('id', '=', user.id).execute();
}

/** The site must keep one enabled administrator, or nobody could manage it any more. */
async function assertNotLastAdministrator(db: Kysely<Database>, userId: number) {
  const others = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'administrator')
    .where('disabled', '=', 0)
    .where('id', '!=', userId)
    .executeTakeFirstOrThrow();
  if (Number(others.n) === 0) {
    throw new AccountError(
      'last_administrator',
      'This is the only active administrator; appoint another first.',
    );
  }
}
