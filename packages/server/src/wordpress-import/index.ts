export {
  importWordpress,
  migrationState,
  type ImportWordpressOptions,
  type ImportSummary,
} from './importWordpress.js';
export { WordpressImportError, type UserConflict } from './errors.js';
export { formatImportSummary, formatConflicts } from './formatSummary.js';
export { IMPORT_KINDS, type ImportKind, type Skipped, type SkipCode } from './report.js';
export {
  unserializePhp,
  looksSerialized,
  phpList,
  PhpUnserializeError,
  type PhpValue,
  type PhpArray,
} from './phpUnserialize.js';
