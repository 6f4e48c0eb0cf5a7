export type { Invalidation, InvalidationBus } from './types.js';
export { createLocalBus } from './local.js';
