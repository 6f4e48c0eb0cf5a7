export {
  APPLICATION_PASSWORD_LENGTH,
  chunkApplicationPassword,
  generateApplicationPassword,
  isValidAppId,
  normalizePresentedPassword,
  sanitizeApplicationPasswordName,
} from './format.js';
export { hashApplicationPassword, isLegacyHash, verifyLegacyHash } from './hash.js';
export { verifyPhpassPortable } from './phpass.js';
export { applicationPasswordsAvailable, type AvailabilityInput } from './availability.js';
export {
  createApplicationPassword,
  deleteAllApplicationPasswords,
  deleteApplicationPassword,
  deleteApplicationPasswordsOfApp,
  purgeRevokedApplicationPasswords,
  findApplicationPassword,
  importApplicationPassword,
  listApplicationPasswords,
  renameApplicationPassword,
  type ApplicationPassword,
  type NewApplicationPassword,
  type Scope,
} from './records.js';
export {
  blockAppId,
  unblockAppId,
  listAppIdBlocks,
  isAppIdBlocked,
  type AppIdBlock,
} from './blocks.js';
export { LastUsedTracker } from './lastUsed.js';
export {
  CredentialCache,
  CREDENTIAL_CACHE_TTL_MS,
  type CachedCredential,
} from './credentialCache.js';
export {
  verifyApplicationPassword,
  type ApplicationPasswordCheck,
} from './verifyApplicationPassword.js';
export { parseBasicAuthorization } from './basicAuth.js';
export { parseCredentialLimits, CredentialLimitError, type CredentialLimits } from './limits.js';
export {
  claimExpiringPasswords,
  mailExpiryNotices,
  EXPIRY_NOTICE_MS,
  type ExpiringPassword,
} from './expiryNotices.js';
export { mailApplicationPasswordCreated, type CreationOrigin } from './notifyCreated.js';
