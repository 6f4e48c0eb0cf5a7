export { userAgentLabel } from './userAgentLabel.js';
