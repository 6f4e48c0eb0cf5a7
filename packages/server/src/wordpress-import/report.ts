/** What an import counts, per kind of thing. */
export const IMPORT_KINDS = [
  'users',
  'application_passwords',
  'two_factor',
  'settings',
  'categories',
  'tags',
  'posts',
  'pages',
  'attachments',
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export type SkipCode =
  | 'no_role'
  | 'unknown_role'
  | 'invalid_login'
  | 'invalid_email'
  | 'duplicate_in_wordpress'
  | 'meta_malformed'
  | 'provider_unsupported'
  | 'two_factor_not_portable'
  | 'application_password_malformed'
  | 'uuid_in_use'
  | 'not_in_store_since_first_import'
  | 'setting_invalid'
  | 'status_unsupported'
  | 'source_url_invalid'
  | 'author_not_imported';

/** One thing left out, with why. `item` names it (a login, a uuid, a slug…), never a secret. */
export interface Skipped {
  kind: ImportKind;
  item: string;
  code: SkipCode;
  reason: string;
}

/** Collects what translation and writing decide not to bring over, and remarks worth reading. */
export class ImportReport {
  readonly skipped: Skipped[] = [];
  readonly notes: string[] = [];

  skip(kind: ImportKind, item: string, code: SkipCode, reason: string): void {
    this.skipped.push({ kind, item, code, reason });
  }

  note(text: string): void {
    this.notes.push(text);
  }
}

export const counts = (): Record<ImportKind, number> =>
  Object.fromEntries(IMPORT_KINDS.map((k) => [k, 0])) as Record<ImportKind, number>;
