import type { MailContent } from '../message.js';
import { htmlDocument } from './htmlDocument.js';
import { escapeHtml } from './untrustedText.js';

/** A message from plain text; the HTML part is the same text, escaped, in paragraphs. */
export function plainMessage(subject: string, text: string): MailContent {
  const paragraphs = text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>\n')}</p>`);
  return { subject, text, html: htmlDocument(subject, paragraphs.join('\n')) };
}
