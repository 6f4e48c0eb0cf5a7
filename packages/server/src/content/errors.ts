import { LatchkeyError } from '../errors/index.js';

export type ContentErrorCode =
  | 'term_exists'
  | 'duplicate_term_slug'
  | 'empty_term_name'
  | 'invalid_parent'
  | 'file_type_refused'
  | 'file_name_exhausted'
  | 'invalid_author'
  | 'invalid_post_parent'
  | 'invalid_featured_media'
  | 'sticky_password'
  | 'empty_content';

/**
 * The content module's one error type. `code` is WordPress's wire code where it has one; the
 * HTTP layer picks the status.
 */
export class ContentError extends LatchkeyError<ContentErrorCode> {}
