import type { SignedIn } from '../../browserAuth.js';

/** The notices of /account/two-factor after a redirect, by their `done` key. */
export const TWO_FACTOR_NOTICES = {
  totp_enabled: 'Authenticator app enabled.',
  enrolled: 'Two-factor authentication is set up: you can now use your account.',
  password_set:
    'Your new password is set. Next, protect the account with a second factor: set one up below.',
  email_enabled: 'Email codes enabled. Your email address is verified.',
  key_added: 'Security key added.',
  primary: 'Primary method saved.',
  totp_disabled: 'Authenticator app disabled. Your other sessions were signed out.',
  email_disabled: 'Email codes disabled. Your other sessions were signed out.',
  backup_codes_disabled: 'Recovery codes disabled. Your other sessions were signed out.',
  key_removed: 'Security key removed. Your other sessions were signed out.',
};

export type TwoFactorNotice = keyof typeof TWO_FACTOR_NOTICES;

/** After enabling: a session that was limited to enrolment hears that it may go on. */
export const enabledNotice = (signedIn: SignedIn, key: TwoFactorNotice): TwoFactorNotice =>
  signedIn.session.enrolmentOnly ? 'enrolled' : key;
