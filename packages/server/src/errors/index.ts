export { LatchkeyError } from './LatchkeyError.js';
export { wireOf, type Wire } from './wire.js';
