import { escapeHtml } from './untrustedText.js';

/** The minimal document around a mail's HTML body. `title` is plain text; `body` is markup. */
export function htmlDocument(title: string, body: string): string {
  return `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1d2327;">
${body}
</body>
</html>
`;
}
