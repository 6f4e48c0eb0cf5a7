export {
  openStore,
  migrationVerdict,
  type Store,
  type Dialect,
  type MigrationStatus,
} from './openStore.js';
export type { Database } from './schema.js';
export { compiledOnce } from './compiledOnce.js';
