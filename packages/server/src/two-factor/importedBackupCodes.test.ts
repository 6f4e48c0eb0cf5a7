import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { consumeImportedBackupCode } from './importedBackupCodes.js';

// Two of carl's codes and the phpass hashes the Two-Factor plugin stored for them
// (test/fixtures/wordpress-import/facts.json).
const CODES = [
  { code: '09385327', hash: '$P$BTd1I2SbhH4tQgyQSQWAFu8gIRu2AA1' },
  { code: '92373372', hash: '$P$B1kw52fOEGSa0xNKxLdfdDVhLgAgfk0' },
];

describe('consumeImportedBackupCode', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'latchkey-codes-'));
    store = openStore({ databaseUrl: undefined, dataDir: dir });
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A user of their own, holding the imported hashes of `codes` (and a native code). */
  let users = 0;
  const userWith = async (codes: typeof CODES): Promise<number> => {
    const login = `carl${++users}`;
    const { id } = await store.db
      .insertInto('users')
      .values({
        login,
        login_key: login,
        email: `${login}@example.com`,
        email_key: `${login}@example.com`,
        display_name: 'Carl',
        first_name: '',
        last_name: '',
        nickname: login,
        description: '',
        url: '',
        role: 'contributor',
        password_hash: 'x',
        registered: 0,
        email_verified_at: null,
        disabled: 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.db
      .insertInto('backup_codes')
      .values([
        ...codes.map((c) => ({ user_id: id, code_hash: c.hash, used_at: null })),
        // A native keyed hash (hex) is never tried as a legacy one.
        { user_id: id, code_hash: 'a'.repeat(64), used_at: null },
      ])
      .execute();
    return id;
  };
  const unused = async (userId: number) =>
    (
      await store.db
        .selectFrom('backup_codes')
        .select('code_hash')
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .execute()
    ).length;

  it('accepts an imported code once, and only that code is used up', async () => {
    const userId = await userWith(CODES);
    expect(await consumeImportedBackupCode(store.db, userId, CODES[1]!.code, 1000)).toBe(true);
    expect(await unused(userId)).toBe(2);
    expect(await consumeImportedBackupCode(store.db, userId, CODES[1]!.code, 2000)).toBe(false);
    expect(await consumeImportedBackupCode(store.db, userId, CODES[0]!.code, 3000)).toBe(true);
    expect(await unused(userId)).toBe(1);
  });

  it('refuses a wrong code while the user’s imported codes are all unused', async () => {
    const userId = await userWith(CODES);
    for (const wrong of ['00000000', `${CODES[0]!.code.slice(0, 7)}0`, '', 'a'.repeat(64)])
      expect(await consumeImportedBackupCode(store.db, userId, wrong, 4000), wrong).toBe(false);
    expect(await unused(userId)).toBe(3);
    // The codes were there to be found: the right one still works.
    expect(await consumeImportedBackupCode(store.db, userId, CODES[0]!.code, 5000)).toBe(true);
  });

  it('refuses another user’s unused code, and leaves it to its owner', async () => {
    const owner = await userWith([CODES[0]!]);
    const other = await userWith([CODES[1]!]);
    expect(await consumeImportedBackupCode(store.db, other, CODES[0]!.code, 6000)).toBe(false);
    expect(await unused(owner)).toBe(2);
    expect(await unused(other)).toBe(2);
    expect(await consumeImportedBackupCode(store.db, owner, CODES[0]!.code, 7000)).toBe(true);
  });
});
