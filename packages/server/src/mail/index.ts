export { createMailer, type Mailer, type MailerOptions } from './createMailer.js';
export { mailFromAddress } from './mailFromAddress.js';
export type { MailContent, OutgoingMail, SendResult } from './message.js';
export {
  applicationPasswordCreated,
  plainMessage,
  type ApplicationPasswordCreatedMail,
  emailChangeMail,
  emailChangedMail,
  invitationMail,
  passwordResetDoneMail,
  passwordResetMail,
  registrationAttemptMail,
  registrationMail,
  type AccountMailBase,
  securityNoticeMail,
  type SecurityNotice,
} from './templates/index.js';
