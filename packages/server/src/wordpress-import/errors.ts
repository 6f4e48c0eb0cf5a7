import { LatchkeyError } from '../errors/index.js';

/**
 * Why an import did not run or was refused. `code` is stable; the CLI turns `usage` ones into
 * exit code 2 and the rest into exit code 1. Messages never carry a password or a hash.
 */
export type WordpressImportErrorCode =
  | 'mysql_url_invalid'
  | 'table_prefix_invalid'
  | 'mysql_unreachable'
  | 'mysql_query_failed'
  | 'not_wordpress'
  | 'store_not_migrated'
  | 'conflicting_users';

export class WordpressImportError extends LatchkeyError<WordpressImportErrorCode> {
  constructor(
    code: WordpressImportErrorCode,
    message: string,
    /** For `conflicting_users`: every store user in the way. */
    readonly conflicts: UserConflict[] = [],
  ) {
    super(code, message);
  }

  /** A mistake on the command line rather than a refusal. */
  get isUsage(): boolean {
    return this.code === 'mysql_url_invalid' || this.code === 'table_prefix_invalid';
  }
}

/** A WordPress user whose login or email already belongs to a store user not imported from it. */
export interface UserConflict {
  wordpress: { id: number; login: string; email: string };
  store: { id: number; login: string; email: string };
  /** What they share. */
  same: Array<'login' | 'email'>;
}
