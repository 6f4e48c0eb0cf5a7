import { htmlToText } from './sanitizeHtml.js';

const BLOCK_TAGS =
  'address|article|aside|blockquote|caption|col|colgroup|dd|details|div|dl|dt|fieldset|figcaption|figure|footer|form|h[1-6]|header|hgroup|hr|li|main|math|menu|nav|ol|p|pre|section|summary|table|tbody|td|tfoot|th|thead|tr|ul|audio|video|source|track|style|script|svg';
const STARTS_WITH_BLOCK = new RegExp(`^(?:<!--|</?(?:${BLOCK_TAGS})[\\s/>])`, 'i');

/**
 * WordPress's `wpautop` for the common case: paragraphs separated by blank lines become
 * `<p>…</p>\n`, single line breaks inside them `<br />`, and chunks that already are block
 * markup stay as they are. `<pre>` keeps its line breaks.
 */
export function autop(text: string): string {
  const normalized = text.replace(/\r\n?/g, '\n');
  if (normalized.trim() === '') return '';
  const pres: string[] = [];
  const protectedText = normalized.replace(/<pre[\s>][\s\S]*?<\/pre>/gi, (m) => {
    pres.push(m);
    return `<pre latchkey-pre="${pres.length - 1}"></pre>`;
  });
  const chunks = protectedText
    .split(/\n\s*\n/)
    .map((c) => c.trim())
    .filter(Boolean);
  const out = chunks.map((chunk) => {
    if (STARTS_WITH_BLOCK.test(chunk)) return `${chunk}\n`;
    return `<p>${chunk.replace(/\s*\n\s*/g, '<br />\n')}</p>\n`;
  });
  return out
    .join('')
    .replace(/<pre latchkey-pre="(\d+)"><\/pre>/g, (_m, i: string) => pres[Number(i)] ?? '');
}

/** WordPress's `excerpt_length` and `excerpt_more`. */
export const EXCERPT_WORDS = 55;
const EXCERPT_MORE = ' [&hellip;]';

const escapeText = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The rendered excerpt: the author's own excerpt, or else the first 55 words of the content's
 * text (WordPress's `wp_trim_excerpt`), as a paragraph.
 */
export function renderExcerpt(excerpt: string, content: string): string {
  if (excerpt.trim() !== '') return autop(excerpt);
  const words = htmlToText(content.replace(/<!--[\s\S]*?-->/g, ''))
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) return '';
  const trimmed = words.slice(0, EXCERPT_WORDS).join(' ');
  return autop(escapeText(trimmed) + (words.length > EXCERPT_WORDS ? EXCERPT_MORE : ''));
}
