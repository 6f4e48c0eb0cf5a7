export { openStore, type Store, type Dialect } from './openStore.js';
export type { Database } from './schema.js';
export { compiledOnce } from './compiledOnce.js';
