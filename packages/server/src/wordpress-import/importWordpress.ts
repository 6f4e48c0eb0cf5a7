import { Migrator, type Kysely } from 'kysely';
import { sealSecret, type Keys } from '../crypto/index.js';
import { migrationProvider } from '../store/migrations/index.js';
import type { Database, Dialect } from '../store/index.js';
import { WordpressImportError } from './errors.js';
import { checkTablePrefix, describeMysqlTarget, parseMysqlUrl } from './mysqlUrl.js';
import { counts, ImportReport, type ImportKind, type Skipped } from './report.js';
import { connectMysql, readWordpressSite, type WordpressSite } from './source.js';
import { siteKey, translateContent, translateSettings } from './translateSite.js';
import { translateUsers } from './translateUsers.js';
import { writeImport } from './writeImport.js';

export interface ImportWordpressOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  keys: Pick<Keys, 'secretBox'>;
  mysqlUrl: string;
  tablePrefix?: string;
  /** Also categories, tags, posts, pages and attachments. */
  content?: boolean;
  /** Do everything, then roll back: report what a real run would do. */
  dryRun?: boolean;
  now?: () => number;
}

export interface ImportSummary {
  source: string;
  site: string;
  table_prefix: string;
  store: Dialect;
  dry_run: boolean;
  content: boolean;
  /** Whether the store differs afterwards (false on a repeated run, and always after a dry run). */
  changed: boolean;
  read: Record<ImportKind, number>;
  imported: Record<ImportKind, number>;
  unchanged: Record<ImportKind, number>;
  skipped: Skipped[];
  notes: string[];
  duration_ms: number;
}

/** Which migrations the store has and lacks (reads only: a dry run may ask). */
export async function migrationState(
  db: Kysely<Database>,
  dialect: Dialect,
): Promise<{ applied: string[]; pending: string[] }> {
  const migrations = await new Migrator({
    db,
    provider: migrationProvider(dialect),
  }).getMigrations();
  return {
    applied: migrations.filter((m) => m.executedAt !== undefined).map((m) => m.name),
    pending: migrations.filter((m) => m.executedAt === undefined).map((m) => m.name),
  };
}

async function assertMigrated(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const { pending } = await migrationState(db, dialect);
  if (pending.length > 0)
    throw new WordpressImportError(
      'store_not_migrated',
      `the store is not up to date (pending: ${pending.join(', ')}); run latchkey migrate first (a dry run writes nothing, not even the schema)`,
    );
}

/** How many of each kind the WordPress database holds (before anything is left out). */
function readCounts(site: WordpressSite, applicationPasswords: number): Record<ImportKind, number> {
  const read = counts();
  read.users = site.users.length;
  read.application_passwords = applicationPasswords;
  read.two_factor = [...site.userMeta.values()].filter(
    (m) => (m.get('_two_factor_enabled_providers') ?? '') !== '',
  ).length;
  read.settings = ['blogname', 'blogdescription'].filter((o) => site.options.has(o)).length + 1;
  for (const t of site.content?.terms ?? [])
    read[t.taxonomy === 'post_tag' ? 'tags' : 'categories']++;
  for (const p of site.content?.posts ?? []) {
    if (p.type === 'post') read.posts++;
    else if (p.type === 'page') read.pages++;
    else read.attachments++;
  }
  return read;
}

/**
 * `latchkey import-wordpress`: reads a WordPress database and brings its users (hashes kept),
 * application passwords, Two-Factor plugin settings, site settings and optionally its content
 * into the store, in one transaction (SPEC §13).
 */
export async function importWordpress(options: ImportWordpressOptions): Promise<ImportSummary> {
  const started = performance.now();
  const now = options.now ?? Date.now;
  const target = parseMysqlUrl(options.mysqlUrl);
  const tablePrefix = checkTablePrefix(options.tablePrefix ?? 'wp_');
  const content = options.content ?? false;
  const dryRun = options.dryRun ?? false;
  await assertMigrated(options.db, options.dialect);

  const connection = await connectMysql(target);
  let site: WordpressSite;
  try {
    site = await readWordpressSite(connection, { tablePrefix, content });
  } finally {
    await connection.end().catch(() => undefined);
  }
  const key = siteKey(site);
  if (key === undefined)
    throw new WordpressImportError(
      'not_wordpress',
      `${describeMysqlTarget(target)} has no siteurl option in ${tablePrefix}options: is this a WordPress database?`,
    );

  const report = new ImportReport();
  const at = now();
  const users = translateUsers(site, report, at);
  const apSkips = report.skipped.filter((s) => s.kind === 'application_passwords').length;
  const read = readCounts(
    site,
    users.reduce((n, u) => n + u.applicationPasswords.length, 0) + apSkips,
  );
  const result = await writeImport(
    options.db,
    {
      site: key,
      settings: translateSettings(site, report),
      users,
      content: content ? translateContent(site, report, at) : undefined,
    },
    report,
    {
      now: at,
      dryRun,
      sealTotpSecret: (secret) => sealSecret(options.keys.secretBox, secret),
    },
  );
  return {
    source: describeMysqlTarget(target),
    site: key,
    table_prefix: tablePrefix,
    store: options.dialect,
    dry_run: dryRun,
    content,
    changed: result.changed && !dryRun,
    read,
    imported: result.imported,
    unchanged: result.unchanged,
    skipped: report.skipped,
    notes: report.notes,
    duration_ms: Math.round(performance.now() - started),
  };
}
