import { textPart, type ReceivedMail } from './smtp.js';

/** The decoded text part and headers of a caught message, with its recipient. */
export function readMail(mail: ReceivedMail): { to: string; subject: string; text: string } {
  const decoded = textPart(mail.raw);
  return {
    to: mail.to[0] ?? '',
    subject: /^Subject: (.*)$/m.exec(mail.raw)?.[1] ?? '',
    text: decoded,
  };
}

/** The first link to `path` in a message, as a site-relative path with its query. */
export function linkIn(mail: ReceivedMail, path: string): string {
  const text = textPart(mail.raw);
  const escaped = path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(`https?://[^\\s/]+(${escaped}\\?[^\\s<>"]+)`).exec(text);
  if (!match) throw new Error(`no link to ${path} in:\n${text}`);
  return match[1]!;
}

/** The `key` of a link. */
export const keyOf = (link: string) => new URL(link, 'http://x').searchParams.get('key') ?? '';

/** A predicate for smtp.waitFor: mail to `address` whose subject contains `subject`. */
export const mailTo =
  (address: string, subject?: string) =>
  (mail: ReceivedMail): boolean =>
    mail.to.includes(address) &&
    (subject === undefined || (/^Subject: (.*)$/m.exec(mail.raw)?.[1] ?? '').includes(subject));
