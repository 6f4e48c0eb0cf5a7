import type { UserConflict } from './errors.js';
import type { ImportSummary } from './importWordpress.js';
import { IMPORT_KINDS, type ImportKind } from './report.js';

const LABELS: Record<ImportKind, string> = {
  users: 'users',
  application_passwords: 'application passwords',
  two_factor: 'two-factor users',
  settings: 'site settings',
  categories: 'categories',
  tags: 'tags',
  posts: 'posts',
  pages: 'pages',
  attachments: 'attachments',
};

const CONTENT_KINDS: ImportKind[] = ['categories', 'tags', 'posts', 'pages', 'attachments'];

/** The summary as people read it: a table, what was left out and why, and the time taken. */
export function formatImportSummary(s: ImportSummary): string {
  const kinds = IMPORT_KINDS.filter((k) => s.content || !CONTENT_KINDS.includes(k));
  const skippedOf = (k: ImportKind) => s.skipped.filter((x) => x.kind === k).length;
  const rows = [
    ['', 'read', s.dry_run ? 'would import' : 'imported', 'unchanged', 'skipped'],
    ...kinds.map((k) => [
      LABELS[k],
      String(s.read[k]),
      String(s.imported[k]),
      String(s.unchanged[k]),
      String(skippedOf(k)),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
  );
  const lines = [
    `${s.dry_run ? 'Dry run of the import' : 'Imported'} from ${s.source} (WordPress site ${s.site}, tables ${s.table_prefix}*) into the ${s.store} store${s.content ? ', with content' : ''}.`,
    '',
    ...table.map((l) => `  ${l.trimEnd()}`),
  ];
  if (s.skipped.length > 0) {
    lines.push('', 'Skipped:');
    for (const x of s.skipped)
      lines.push(`  ${LABELS[x.kind]}: ${x.item}: ${x.reason} [${x.code}]`);
  }
  if (s.notes.length > 0) {
    lines.push('', 'Notes:');
    for (const n of s.notes) lines.push(`  ${n}`);
  }
  const seconds = (s.duration_ms / 1000).toFixed(2);
  lines.push(
    '',
    s.dry_run
      ? `Dry run: nothing was written (${seconds} s).`
      : s.changed
        ? `Done in ${seconds} s.`
        : `Nothing changed: the store already holds everything this import brings (${seconds} s).`,
  );
  return lines.join('\n');
}

export function formatConflicts(conflicts: UserConflict[]): string {
  return conflicts
    .map(
      (c) =>
        `  WordPress user ${c.wordpress.id} ${c.wordpress.login} <${c.wordpress.email}>: same ${c.same.join(' and ')} as Latchkey user ${c.store.id} ${c.store.login} <${c.store.email}>`,
    )
    .join('\n');
}
