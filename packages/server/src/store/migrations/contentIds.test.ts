import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { STORES } from '../../../test/helpers/stores.js';
import { allocateContentId } from '../../content/ids.js';
import { openStore } from '../openStore.js';
import { migrationProvider } from './index.js';

describe.each(STORES)('migration 0008: one id space for posts and media ($name)', (store) => {
  it('starts past every id in use, so rows that existed keep theirs and new ones never clash', async () => {
    const database = await store.create();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-ids-'));
    const opened = openStore({ databaseUrl: database.databaseUrl, dataDir });
    try {
      const migrator = new Migrator({ db: opened.db, provider: migrationProvider(opened.dialect) });
      expect((await migrator.migrateTo('0007_expiry_notice')).error).toBeUndefined();
      // A store from before: posts and media numbered apart, so post 1 and attachment 1 exist.
      for (const title of ['a', 'b', 'c'])
        await sql`INSERT INTO posts (type, author_id, status, title, date, modified, guid)
                  VALUES ('post', 1, 'publish', ${title}, 0, 0, '')`.execute(opened.db);
      for (const file of ['x.png', 'y.png'])
        await sql`INSERT INTO media (author_id, file, mime_type, size, title, slug, date, modified)
                  VALUES (1, ${file}, 'image/png', 1, ${file}, ${file}, 0, 0)`.execute(opened.db);
      // The newest post is deleted before the upgrade: its id was handed out and stays used.
      await sql`INSERT INTO posts (type, author_id, status, title, date, modified, guid)
                VALUES ('post', 1, 'trash', 'gone', 0, 0, '')`.execute(opened.db);
      await sql`DELETE FROM posts WHERE title = 'gone'`.execute(opened.db);
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const first = await allocateContentId(opened.db);
      const second = await allocateContentId(opened.db);
      expect(first).toBe(5);
      expect(second).toBe(6);
    } finally {
      await opened.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
