export {
  LINK_LIFETIME_MS,
  PASSWORD_PURPOSES,
  findLink,
  issueLink,
  purgeDeadLinks,
  spendLink,
  voidLinks,
  type AccountLink,
  type LinkPurpose,
  type LinkState,
} from './links.js';
export { type AccountLinkDeps, type LinkOrigin } from './deps.js';
export {
  SET_PASSWORD_PATH,
  checkPasswordLink,
  mailPasswordLink,
  requestPasswordReset,
  setPasswordWithLink,
  type PasswordLinkCheck,
  type SetPasswordResult,
} from './passwordLinks.js';
export { registerAccount, registrationRole, type RegistrationResult } from './registration.js';
export {
  cancelInvitation,
  inviteUser,
  listInvitations,
  openInvitationOf,
  type OpenInvitation,
} from './invitations.js';
export {
  CONFIRM_EMAIL_PATH,
  cancelEmailChange,
  checkEmailChangeLink,
  confirmEmailChange,
  notifyOldAddress,
  pendingEmailChange,
  requestEmailChange,
  type EmailChangeResult,
  type EmailLinkCheck,
} from './emailChange.js';
