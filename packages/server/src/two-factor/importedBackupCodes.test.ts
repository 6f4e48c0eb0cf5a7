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
  let userId: number;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'latchkey-codes-'));
    store = openStore({ databaseUrl: undefined, dataDir: dir });
    await store.migrate();
    const user = await store.db
      .insertInto('users')
      .values({
        login: 'carl',
        login_key: 'carl',
        email: 'carl@example.com',
        email_key: 'carl@example.com',
        display_name: 'Carl',
        first_name: '',
        last_name: '',
        nickname: 'carl',
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
    userId = user.id;
    await store.db
      .insertInto('backup_codes')
      .values([
        ...CODES.map((c) => ({ user_id: userId, code_hash: c.hash, used_at: null })),
        // A native keyed hash (hex) is never tried as a legacy one.
        { user_id: userId, code_hash: 'a'.repeat(64), used_at: null },
      ])
      .execute();
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const unused = async () =>
    (
      await store.db
        .selectFrom('backup_codes')
        .select('code_hash')
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .execute()
    ).length;

  it('accepts an imported code once, and only that code is used up', async () => {
    expect(await consumeImportedBackupCode(store.db, userId, CODES[1]!.code, 1000)).toBe(true);
    expect(await unused()).toBe(2);
    expect(await consumeImportedBackupCode(store.db, userId, CODES[1]!.code, 2000)).toBe(false);
    expect(await consumeImportedBackupCode(store.db, userId, CODES[0]!.code, 3000)).toBe(true);
    expect(await unused()).toBe(1);
  });

  it('refuses wrong codes and other users’ codes', async () => {
    expect(await consumeImportedBackupCode(store.db, userId, '00000000', 4000)).toBe(false);
    expect(await consumeImportedBackupCode(store.db, userId + 1, CODES[0]!.code, 4000)).toBe(false);
  });
});
