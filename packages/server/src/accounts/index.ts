export {
  ROLE_NAMES,
  ROLE_LABELS,
  ROLE_CAPABILITIES,
  isRole,
  roleHasCapability,
  roleRank,
  type Role,
} from './roles.js';
export {
  can,
  mapMetaCapability,
  postTypeCapability,
  type Actor,
  type MetaCapabilityArgs,
  type PostRef,
  type PostType,
  type Taxonomy,
  type TermRef,
  type UserRef,
} from './capabilities.js';
export {
  hashAccountPassword,
  verifyAccountPassword,
  verifyAndUpgradeAccountPassword,
  burnVerificationTime,
  MAX_PASSWORD_LENGTH,
  UNUSABLE_PASSWORD_HASH,
} from './passwordHash.js';
export { isLegacyAccountHash } from './legacyPasswordHash.js';
export { AccountError, type AccountErrorCode } from './errors.js';
export {
  changesAccountCredentials,
  INTERACTIVE_ONLY,
  type AccountCredentialChange,
} from './interactiveOnly.js';
export { isValidEmail, isValidLogin, passwordProblem, MIN_PASSWORD_LENGTH } from './validation.js';
export {
  createUser,
  findUserById,
  findUserByLoginOrEmail,
  requireUserByLogin,
  listUsers,
  countUsers,
  updateUser,
  setUserPassword,
  assertNewPasswordAllowed,
  setUserDisabled,
  setUserEmail,
  markEmailVerified,
  assertEmailAvailable,
  hasUsablePassword,
  deleteUser,
  toUser,
  type User,
  type NewUser,
  type UserChanges,
  type UserListQuery,
} from './users.js';
export {
  newPasswordProblem,
  commonPasswordCount,
  type PasswordProblem,
  type PasswordIdentity,
} from './passwordPolicy.js';
export { bootstrapAdministrator, generatePassword } from './bootstrap.js';
