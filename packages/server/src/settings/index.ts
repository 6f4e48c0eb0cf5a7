import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

export interface SiteSettings {
  title: string;
  description: string;
  timezone: string;
}

const DEFAULTS: SiteSettings = {
  title: 'Latchkey',
  description: 'Authentication for APIs',
  timezone: 'UTC',
};

export async function readSettings(db: Kysely<Database>): Promise<SiteSettings> {
  const rows = await db.selectFrom('settings').selectAll().execute();
  const out: SiteSettings = { ...DEFAULTS };
  for (const row of rows) {
    if (row.name in DEFAULTS) {
      try {
        (out as unknown as Record<string, unknown>)[row.name] = JSON.parse(row.value);
      } catch {
        // A damaged value falls back to the default rather than taking the site down.
      }
    }
  }
  return out;
}

export async function writeSettings(
  db: Kysely<Database>,
  changes: Partial<SiteSettings>,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      const text = JSON.stringify(value);
      await tx
        .insertInto('settings')
        .values({ name, value: text })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value: text }))
        .execute();
    }
  });
}
