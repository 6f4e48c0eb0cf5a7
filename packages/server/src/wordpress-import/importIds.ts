import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

export type ImportIdKind = 'user' | 'term' | 'post' | 'attachment' | 'site';

/**
 * Which Latchkey row each WordPress thing of one site became (`wordpress_import_ids`), read
 * once and written at the end of the import's transaction. `site`/0 marks that the site's
 * settings were imported once already.
 */
export class ImportIds {
  private readonly pending: Array<{ kind: ImportIdKind; source_id: number; target_id: number }> =
    [];

  private constructor(
    private readonly db: Kysely<Database>,
    private readonly site: string,
    private readonly known: Map<string, number>,
  ) {}

  static async load(db: Kysely<Database>, site: string): Promise<ImportIds> {
    const rows = await db
      .selectFrom('wordpress_import_ids')
      .select(['kind', 'source_id', 'target_id'])
      .where('site', '=', site)
      .execute();
    return new ImportIds(
      db,
      site,
      new Map(rows.map((r) => [`${r.kind}:${Number(r.source_id)}`, Number(r.target_id)])),
    );
  }

  get(kind: ImportIdKind, sourceId: number): number | undefined {
    return this.known.get(`${kind}:${sourceId}`);
  }

  add(kind: ImportIdKind, sourceId: number, targetId: number): void {
    this.known.set(`${kind}:${sourceId}`, targetId);
    this.pending.push({ kind, source_id: sourceId, target_id: targetId });
  }

  get added(): number {
    return this.pending.length;
  }

  async flush(): Promise<void> {
    for (let i = 0; i < this.pending.length; i += 500) {
      await this.db
        .insertInto('wordpress_import_ids')
        .values(this.pending.slice(i, i + 500).map((r) => ({ site: this.site, ...r })))
        .execute();
    }
  }
}
