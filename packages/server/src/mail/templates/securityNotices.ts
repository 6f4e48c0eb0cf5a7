import type { MailContent } from '../message.js';
import { accountMail, siteOf, type AccountMailBase } from './accountLinkMails.js';
import { singleLine } from './untrustedText.js';

/**
 * What SPEC §6.5 tells the owner of an account about (ASVS 6.3.7, 7.5.x): each says what
 * happened, when and from which address, and what to do if it was not them. None holds a
 * secret: no password, code, link key or token.
 */
export type SecurityNotice =
  | { kind: 'new_device'; device: string }
  | { kind: 'password_changed'; byAdministrator: boolean }
  | { kind: 'factor_added'; method: string }
  | { kind: 'factor_removed'; method: string; byAdministrator: boolean }
  | { kind: 'recovery_codes_regenerated' };

const NOT_YOU_PASSWORD =
  'If this was not you, change your password at once and contact the site’s administrator.';

export function securityNoticeMail(base: AccountMailBase, notice: SecurityNotice): MailContent {
  const site = siteOf(base);
  switch (notice.kind) {
    case 'new_device':
      return accountMail(base, {
        subject: 'New sign-in to your account',
        intro: [
          `Your account on ${site} was just signed in to from a device and address it has not been used from in the last 90 days.`,
        ],
        rows: [['Device', singleLine(notice.device, 120)]],
        after: [
          'If this was you, there is nothing to do.',
          `${NOT_YOU_PASSWORD} The account page lists its sessions and can sign them out.`,
        ],
      });
    case 'password_changed':
      return accountMail(base, {
        subject: 'Your password was changed',
        intro: [
          notice.byAdministrator
            ? `An administrator of ${site} set a new password for your account.`
            : `The password of your account on ${site} was changed.`,
        ],
        after: [
          'If you did not expect this, reset your password with “Lost your password?” on the sign-in page and contact the site’s administrator.',
        ],
      });
    case 'factor_added':
      return accountMail(base, {
        subject: 'A second factor was added to your account',
        intro: [
          `A sign-in method was added to the two-factor authentication of your account on ${site}.`,
        ],
        rows: [['Method', singleLine(notice.method, 60)]],
        after: [NOT_YOU_PASSWORD],
      });
    case 'factor_removed':
      return accountMail(base, {
        subject: 'A second factor was removed from your account',
        intro: [
          notice.byAdministrator
            ? `An administrator of ${site} removed a sign-in method from the two-factor authentication of your account.`
            : `A sign-in method was removed from the two-factor authentication of your account on ${site}.`,
        ],
        rows: [['Method', singleLine(notice.method, 60)]],
        after: [NOT_YOU_PASSWORD],
      });
    case 'recovery_codes_regenerated':
      return accountMail(base, {
        subject: 'New recovery codes for your account',
        intro: [
          `New recovery codes were generated for your account on ${site}. Any earlier codes no longer work.`,
        ],
        after: [NOT_YOU_PASSWORD],
      });
  }
}
