import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { isLegacyAccountHash } from './legacyPasswordHash.js';
import {
  hashAccountPassword,
  verifyAccountPassword,
  verifyAndUpgradeAccountPassword,
} from './passwordHash.js';

// Hashes written by WordPress itself (test/fixtures/wordpress-import/facts.json).
const ADA = { hash: '$P$BZHTACCXNWc7ggvQs4l/HwdkezrTG3/', password: 'Analytical-Engine-1843' };
const ZOE = { hash: '$P$BiEuGu1sipXE.Qgnku.ZOVLDBd3x3f0', password: 'Fjörd-Spring-2024' };
const BEA = {
  hash: '$wp$2y$10$R1l8RocW4KRbcSC7Z0DSMeJzbWqD.zvt/Df.epMZt/3EpmqaKvyFe',
  password: 'Upgraded-Hash-6dot8',
};

describe('imported WordPress account-password hashes', () => {
  it('recognises phpass, $wp$2y$ and bcrypt, and nothing else', () => {
    expect(isLegacyAccountHash(ADA.hash)).toBe(true);
    expect(isLegacyAccountHash('$H$9abcdefghijklmnopqrstuvwxyz01234')).toBe(true);
    expect(isLegacyAccountHash(BEA.hash)).toBe(true);
    expect(isLegacyAccountHash('$2y$10$abcdefghijklmnopqrstuu')).toBe(true);
    expect(isLegacyAccountHash('$argon2id$v=19$m=19456,t=2,p=1$x$y')).toBe(false);
    // WordPress before 2.5 stored plain MD5: not accepted.
    expect(isLegacyAccountHash('5f4dcc3b5aa765d61d8327deb882cf99')).toBe(false);
  });

  it('verifies WordPress 6.1 phpass (UTF-8 passwords too), 6.8 $wp$2y$ and plain bcrypt', async () => {
    expect(await verifyAccountPassword(ADA.hash, ADA.password)).toBe(true);
    expect(await verifyAccountPassword(ADA.hash, ADA.password.toLowerCase())).toBe(false);
    expect(await verifyAccountPassword(ZOE.hash, ZOE.password)).toBe(true);
    expect(await verifyAccountPassword(ZOE.hash, 'Fjord-Spring-2024')).toBe(false);
    expect(await verifyAccountPassword(BEA.hash, BEA.password)).toBe(true);
    expect(await verifyAccountPassword(BEA.hash, `${BEA.password}!`)).toBe(false);
    const plain = bcrypt.hashSync('plain-bcrypt-password', 4).replace(/^\$2b\$/, '$2y$');
    expect(await verifyAccountPassword(plain, 'plain-bcrypt-password')).toBe(true);
    expect(await verifyAccountPassword(plain, 'plain-bcrypt-passworD')).toBe(false);
    expect(await verifyAccountPassword('5f4dcc3b5aa765d61d8327deb882cf99', 'password')).toBe(false);
  });
});

describe('verifyAndUpgradeAccountPassword', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'latchkey-legacy-'));
    store = openStore({ databaseUrl: undefined, dataDir: dir });
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = async (login: string, hash: string) => {
    const row = await store.db
      .insertInto('users')
      .values({
        login,
        login_key: login,
        email: `${login}@example.com`,
        email_key: `${login}@example.com`,
        display_name: login,
        first_name: '',
        last_name: '',
        nickname: login,
        description: '',
        url: '',
        role: 'author',
        password_hash: hash,
        registered: 0,
        email_verified_at: null,
        disabled: 0,
      })
      .returning(['id', 'password_hash'])
      .executeTakeFirstOrThrow();
    return { id: row.id, passwordHash: row.password_hash };
  };
  const storedHash = async (id: number) =>
    (
      await store.db
        .selectFrom('users')
        .select(['password_hash', 'credentials_version'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).password_hash;

  it('re-hashes a matching imported hash to argon2id, which then verifies', async () => {
    const user = await insert('ada', ADA.hash);
    expect(await verifyAndUpgradeAccountPassword(store.db, user, ADA.password)).toBe(true);
    const upgraded = await storedHash(user.id);
    expect(upgraded).toMatch(/^\$argon2id\$/);
    expect(await verifyAccountPassword(upgraded, ADA.password)).toBe(true);
  });

  it('leaves the hash alone when the password is wrong', async () => {
    const user = await insert('bea', BEA.hash);
    expect(await verifyAndUpgradeAccountPassword(store.db, user, 'wrong-password')).toBe(false);
    expect(await storedHash(user.id)).toBe(BEA.hash);
    expect(await verifyAndUpgradeAccountPassword(store.db, user, BEA.password)).toBe(true);
    expect(await storedHash(user.id)).toMatch(/^\$argon2id\$/);
  });

  it('never overwrites a password changed since the imported hash was read, nor lets the old one in', async () => {
    const user = await insert('zoe', ZOE.hash);
    // A forced reset or an administrator's set-password lands after the sign-in read the user.
    const replacement = await hashAccountPassword('Set-By-An-Administrator-9');
    await store.db
      .updateTable('users')
      .set({ password_hash: replacement })
      .where('id', '=', user.id)
      .execute();
    // `user` still holds the imported hash, as a sign-in that read it earlier would.
    expect(await verifyAndUpgradeAccountPassword(store.db, user, ZOE.password)).toBe(false);
    expect(await storedHash(user.id)).toBe(replacement);
    // The password stored now is the one that signs in.
    expect(
      await verifyAndUpgradeAccountPassword(
        store.db,
        { id: user.id, passwordHash: replacement },
        'Set-By-An-Administrator-9',
      ),
    ).toBe(true);
  });

  it('a sign-in that lost the upgrade race to another with the same password still gets in', async () => {
    const user = await insert('ada2', ADA.hash);
    // Two sign-ins read the imported hash; the first upgrades it, the second finds it changed.
    const [first, second] = [{ ...user }, { ...user }];
    expect(await verifyAndUpgradeAccountPassword(store.db, first, ADA.password)).toBe(true);
    const upgraded = await storedHash(user.id);
    expect(upgraded).toMatch(/^\$argon2id\$/);
    expect(await verifyAndUpgradeAccountPassword(store.db, second, ADA.password)).toBe(true);
    expect(await storedHash(user.id)).toBe(upgraded);
  });

  it('a user deleted since the imported hash was read does not get in', async () => {
    const user = await insert('gone', BEA.hash);
    await store.db.deleteFrom('users').where('id', '=', user.id).execute();
    expect(await verifyAndUpgradeAccountPassword(store.db, user, BEA.password)).toBe(false);
  });
});
