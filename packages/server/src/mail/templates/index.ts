export {
  applicationPasswordCreated,
  type ApplicationPasswordCreatedMail,
} from './applicationPasswordCreated.js';
export { plainMessage } from './plainMessage.js';
export {
  emailChangeMail,
  emailChangedMail,
  invitationMail,
  passwordResetDoneMail,
  passwordResetMail,
  registrationAttemptMail,
  registrationMail,
  type AccountMailBase,
} from './accountLinkMails.js';
export { securityNoticeMail, type SecurityNotice } from './securityNotices.js';
