// Kept inside mail/ on purpose: capability folders never import http/.

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

const ZERO_WIDTH_SPACE = '\u200b';

/**
 * One line of display text: control and bidirectional-override characters become spaces (no
 * forged lines, no text shown backwards), whitespace is collapsed, the length is capped.
 */
export function singleLine(value: string, maxLength: number): string {
  const text = value
    .replace(/[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...text];
  return chars.length > maxLength ? chars.slice(0, maxLength - 1).join('') + '…' : text;
}

/**
 * Text that someone else chose (an application password's name, a user agent), made safe to
 * show in a mail: `singleLine`, then a zero-width space after every `.`, `:` and `@` so mail
 * clients do not turn `evil.example/revoke` or `https://…` into a link. In these mails such
 * text is something to read, never to click. The result is plain text: escape it for HTML.
 */
export function untrustedText(value: string, maxLength: number): string {
  return singleLine(value, maxLength).replace(/[.:@]/g, (c) => c + ZERO_WIDTH_SPACE);
}
