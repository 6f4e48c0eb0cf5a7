import type { MailContent } from '../message.js';
import { htmlDocument } from './htmlDocument.js';
import { escapeHtml, singleLine, untrustedText } from './untrustedText.js';

export interface ApplicationPasswordCreatedMail {
  siteName: string;
  siteUrl: string;
  userLogin: string;
  /** Chosen by whoever created the password: shown as text, never as markup or a link. */
  passwordName: string;
  /** `""` when the password was not created for a registered app. */
  appId: string;
  /** The creating client's address, after trusted-proxy handling. */
  ip: string | null;
  /** Sent by the creating client: as untrusted as the name. */
  userAgent: string | null | undefined;
  createdAt: Date;
  /** Where the owner reviews and revokes the password. */
  revokeUrl: string;
}

/**
 * The notice to an account's owner that an application password was created (SPEC §3.4
 * [ours]): someone holding a stolen session could otherwise mint a lasting credential unseen.
 */
export function applicationPasswordCreated(mail: ApplicationPasswordCreatedMail): MailContent {
  for (const key of ['siteUrl', 'revokeUrl'] as const) {
    if (!/^https?:\/\/[^\s]+$/.test(mail[key]))
      throw new TypeError(`applicationPasswordCreated: ${key} must be an absolute http(s) URL`);
  }
  const siteName = singleLine(mail.siteName, 100) || mail.siteUrl;
  const login = singleLine(mail.userLogin, 100);
  const rows: [label: string, value: string][] = [['Name', untrustedText(mail.passwordName, 200)]];
  if (mail.appId) rows.push(['Application ID', singleLine(mail.appId, 64)]);
  rows.push(
    ['Created', formatUtc(mail.createdAt)],
    ['IP address', mail.ip ? singleLine(mail.ip, 64) : 'unknown'],
    ['Browser', mail.userAgent ? untrustedText(mail.userAgent, 300) : 'unknown'],
  );
  const subject = `[${siteName}] New application password created`;
  const intro = `A new application password was created for your account on ${siteName}.`;
  const explainLines = [
    'An application password lets a program use your account through the API without',
    'your password. If you or an app you approved created it, there is nothing to do.',
    'If you do not recognise it, revoke it now and change your password:',
  ];

  const labelWidth = Math.max(...rows.map(([label]) => label.length)) + 2;
  const text = [
    `Hello ${login},`,
    '',
    intro,
    '',
    ...rows.map(([label, value]) => `${`${label}:`.padEnd(labelWidth)}${value}`),
    '',
    ...explainLines,
    '',
    mail.revokeUrl,
    '',
    siteName,
    mail.siteUrl,
    '',
  ].join('\n');

  const cell = 'padding: 4px 12px 4px 0; vertical-align: top;';
  const body = `<p>Hello ${escapeHtml(login)},</p>
<p>A new application password was created for your account on <strong>${escapeHtml(siteName)}</strong>.</p>
<table role="presentation" style="border-collapse: collapse;">
${rows
  .map(
    ([label, value]) =>
      `<tr><th align="left" style="${cell}">${escapeHtml(label)}</th><td style="${cell}">${escapeHtml(value)}</td></tr>`,
  )
  .join('\n')}
</table>
<p>${escapeHtml(explainLines.join(' '))}</p>
<p><a href="${escapeHtml(mail.revokeUrl)}" style="display: inline-block; padding: 8px 16px; background: #2271b1; color: #ffffff; text-decoration: none; border-radius: 3px;">Review and revoke</a></p>
<p style="font-size: 0.9em; color: #50575e;">Or open this address: ${escapeHtml(mail.revokeUrl)}</p>
<p style="font-size: 0.9em; color: #50575e;">${escapeHtml(siteName)} · <a href="${escapeHtml(mail.siteUrl)}">${escapeHtml(mail.siteUrl)}</a></p>`;

  return { subject, text, html: htmlDocument(subject, body) };
}

/** `2026-01-02 03:04:05 UTC`: one unambiguous form for every reader. */
function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
