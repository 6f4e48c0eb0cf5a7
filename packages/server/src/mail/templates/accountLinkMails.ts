import type { MailContent } from '../message.js';
import { htmlDocument } from './htmlDocument.js';
import { escapeHtml, singleLine, untrustedText } from './untrustedText.js';

/**
 * What every mail of SPEC §12 names: the site, the account, and where and when the request
 * came from, so a person who did not ask can tell. None of them ever holds a password.
 */
export interface AccountMailBase {
  siteName: string;
  siteUrl: string;
  userLogin: string;
  /** The requesting client's address, after trusted-proxy handling; null from the command line. */
  ip: string | null;
  time: Date;
}

export interface MailParts {
  subject: string;
  /** Paragraphs before the details table. */
  intro: string[];
  /** The one button (and the same address as text, for clients that show no HTML). */
  action?: { label: string; url: string };
  /** Paragraphs after the button. */
  after: string[];
  /** Extra rows of the details table. */
  rows?: [label: string, value: string][];
}

const BUTTON =
  'display: inline-block; padding: 8px 16px; background: #2271b1; color: #ffffff; text-decoration: none; border-radius: 3px;';
const SMALL = 'font-size: 0.9em; color: #50575e;';

function absoluteUrl(name: string, value: string): void {
  if (!/^https?:\/\/[^\s]+$/.test(value))
    throw new TypeError(`account mail: ${name} must be an absolute http(s) URL`);
}

export function accountMail(base: AccountMailBase, parts: MailParts): MailContent {
  absoluteUrl('siteUrl', base.siteUrl);
  if (parts.action) absoluteUrl('action url', parts.action.url);
  const siteName = singleLine(base.siteName, 100) || base.siteUrl;
  const login = singleLine(base.userLogin, 100);
  const rows: [string, string][] = [
    ['Account', login],
    ...(parts.rows ?? []),
    ['Requested', `${base.time.toISOString().slice(0, 19).replace('T', ' ')} UTC`],
    ['IP address', base.ip ? singleLine(base.ip, 64) : 'the server’s command line'],
  ];
  const subject = `[${siteName}] ${parts.subject}`;
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const text = [
    `Hello ${login},`,
    '',
    ...parts.intro.flatMap((p) => [p, '']),
    ...rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
    '',
    ...(parts.action ? [parts.action.url, ''] : []),
    ...parts.after.flatMap((p) => [p, '']),
    siteName,
    base.siteUrl,
    '',
  ].join('\n');
  const cell = 'padding: 4px 12px 4px 0; vertical-align: top;';
  const paragraphs = (list: string[]) => list.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const body = `<p>Hello ${escapeHtml(login)},</p>
${paragraphs(parts.intro)}
<table role="presentation" style="border-collapse: collapse;">
${rows.map(([label, value]) => `<tr><th align="left" style="${cell}">${escapeHtml(label)}</th><td style="${cell}">${escapeHtml(value)}</td></tr>`).join('\n')}
</table>
${
  parts.action
    ? `<p><a href="${escapeHtml(parts.action.url)}" style="${BUTTON}">${escapeHtml(parts.action.label)}</a></p>
<p style="${SMALL}">Or open this address: ${escapeHtml(parts.action.url)}</p>`
    : ''
}
${paragraphs(parts.after)}
<p style="${SMALL}">${escapeHtml(siteName)} · <a href="${escapeHtml(base.siteUrl)}">${escapeHtml(base.siteUrl)}</a></p>`;
  return { subject, text, html: htmlDocument(subject, body) };
}

export const siteOf = (base: AccountMailBase) => singleLine(base.siteName, 100) || base.siteUrl;

/** The lost-password link (also what an administrator's "Send password reset link" sends). */
export function passwordResetMail(base: AccountMailBase & { url: string }): MailContent {
  return accountMail(base, {
    subject: 'Password reset',
    intro: [`Someone asked to reset the password of your account on ${siteOf(base)}.`],
    action: { label: 'Choose a new password', url: base.url },
    after: [
      'The link works once, within one hour. Asking again replaces it.',
      'If you did not ask, ignore this message: your password stays as it is. Your second factor, if you use one, is still asked at sign-in.',
    ],
  });
}

/** An administrator created the account without a password. */
export function invitationMail(base: AccountMailBase & { url: string }): MailContent {
  return accountMail(base, {
    subject: 'You have been invited',
    intro: [`An administrator of ${siteOf(base)} created an account for you.`],
    action: { label: 'Set your password', url: base.url },
    after: [
      'The link works once, within 24 hours. If it has expired, ask the administrator to send another.',
    ],
  });
}

/** Someone registered with this address: the link sets the first password and proves the address. */
export function registrationMail(base: AccountMailBase & { url: string }): MailContent {
  return accountMail(base, {
    subject: 'Finish your registration',
    intro: [`Someone registered an account on ${siteOf(base)} with this email address.`],
    action: { label: 'Set your password', url: base.url },
    after: [
      'The link works once, within 24 hours, and confirms that this address is yours.',
      'If you did not register, ignore this message: the account cannot be used without the link.',
    ],
  });
}

/** Someone tried to register with an address that already has an account: tell its owner only. */
export function registrationAttemptMail(
  base: AccountMailBase & { lostPasswordUrl: string },
): MailContent {
  return accountMail(base, {
    subject: 'Registration attempt with your address',
    intro: [
      `Someone tried to register a new account on ${siteOf(base)} with this email address, which already belongs to your account. No account was created.`,
    ],
    action: { label: 'Reset your password', url: base.lostPasswordUrl },
    after: ['If it was you and you forgot your password, reset it. Otherwise ignore this message.'],
  });
}

/** Sent to the NEW address: the change takes effect only when this link is opened. */
export function emailChangeMail(
  base: AccountMailBase & { url: string; newEmail: string },
): MailContent {
  return accountMail(base, {
    subject: 'Confirm your new email address',
    intro: [`Someone asked to move your account on ${siteOf(base)} to this email address.`],
    rows: [['New address', untrustedText(base.newEmail, 254)]],
    action: { label: 'Confirm the new address', url: base.url },
    after: [
      'The link works once, within 24 hours. Until it is opened, the account keeps its current address.',
      'If you did not ask, ignore this message.',
    ],
  });
}

/** Sent to the OLD address once the account moved away from it. */
export function emailChangedMail(
  base: AccountMailBase & { newEmail: string; byAdministrator: boolean },
): MailContent {
  return accountMail(base, {
    subject: 'Your email address was changed',
    intro: [
      base.byAdministrator
        ? `An administrator of ${siteOf(base)} changed the email address of your account. Mail for the account now goes to the new address.`
        : `The email address of your account on ${siteOf(base)} was changed. Mail for the account now goes to the new address.`,
    ],
    rows: [['New address', untrustedText(base.newEmail, 254)]],
    after: [
      'If you did not make this change, contact the site’s administrator at once: whoever holds the new address can reset your password.',
    ],
  });
}

/** After a reset through the mailed link. */
export function passwordResetDoneMail(base: AccountMailBase): MailContent {
  return accountMail(base, {
    subject: 'Your password was reset',
    intro: [
      `The password of your account on ${siteOf(base)} was just reset with the link mailed to you. Every session of the account was signed out.`,
    ],
    after: [
      'If you did not do this, reset your password again at once and contact the site’s administrator.',
    ],
  });
}
