import { createRequire } from 'node:module';
import type SanitizeHtml from 'sanitize-html';

const require = createRequire(import.meta.url);
let loaded: typeof SanitizeHtml | undefined;
/** Required at the first post written (≈15 MB resident that a read-only API never needs). */
const sanitize: typeof SanitizeHtml = ((markup: string, options?: SanitizeHtml.IOptions) =>
  (loaded ??= require('sanitize-html') as typeof SanitizeHtml)(
    markup,
    options,
  )) as typeof SanitizeHtml;

/**
 * Roughly WordPress's `wp_kses_post` list: the markup an author may use in post content.
 * No scripts, styles sheets, frames, forms or embedded objects.
 */
const POST_TAGS = [
  'a',
  'abbr',
  'acronym',
  'address',
  'article',
  'aside',
  'audio',
  'b',
  'bdi',
  'bdo',
  'big',
  'blockquote',
  'br',
  'caption',
  'cite',
  'code',
  'col',
  'colgroup',
  'dd',
  'del',
  'details',
  'dfn',
  'div',
  'dl',
  'dt',
  'em',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'i',
  'img',
  'ins',
  'kbd',
  'li',
  'main',
  'mark',
  'nav',
  'ol',
  'p',
  'pre',
  'q',
  'rb',
  'rp',
  'rt',
  'rtc',
  'ruby',
  's',
  'samp',
  'section',
  'small',
  'source',
  'span',
  'strike',
  'strong',
  'sub',
  'summary',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'time',
  'tr',
  'track',
  'tt',
  'u',
  'ul',
  'var',
  'video',
  'wbr',
];

const GLOBAL_ATTRIBUTES = ['class', 'id', 'title', 'lang', 'dir', 'role', 'aria-*', 'data-*'];

const POST_ATTRIBUTES: Record<string, string[]> = {
  // `style` passes only through the allowedStyles filter below.
  '*': [...GLOBAL_ATTRIBUTES, 'style'],
  a: ['href', 'rel', 'rev', 'name', 'target', 'hreflang', 'download'],
  img: ['src', 'alt', 'width', 'height', 'srcset', 'sizes', 'loading', 'decoding'],
  blockquote: ['cite'],
  q: ['cite'],
  del: ['cite', 'datetime'],
  ins: ['cite', 'datetime'],
  time: ['datetime'],
  ol: ['start', 'reversed', 'type'],
  li: ['value'],
  td: ['colspan', 'rowspan', 'headers', 'align'],
  th: ['colspan', 'rowspan', 'headers', 'scope', 'align'],
  col: ['span'],
  colgroup: ['span'],
  details: ['open'],
  audio: ['src', 'controls', 'loop', 'muted', 'preload'],
  video: [
    'src',
    'controls',
    'loop',
    'muted',
    'preload',
    'poster',
    'width',
    'height',
    'playsinline',
  ],
  source: ['src', 'type', 'srcset', 'sizes', 'media'],
  track: ['src', 'kind', 'srclang', 'label', 'default'],
};

/** WordPress's `$allowedtags`: what a title (and other one-line text) may hold. */
const TITLE_ATTRIBUTES: Record<string, string[]> = {
  a: ['href', 'title'],
  abbr: ['title'],
  acronym: ['title'],
  b: [],
  blockquote: ['cite'],
  cite: [],
  code: [],
  del: ['datetime'],
  em: [],
  i: [],
  q: ['cite'],
  s: [],
  strike: [],
  strong: [],
};

/** A subset of `wp_allowed_protocols()`: never javascript:, data: or vbscript:. */
const SCHEMES = ['http', 'https', 'ftp', 'ftps', 'mailto', 'tel', 'sms', 'xmpp', 'webcal', 'urn'];

const SAFE_STYLE_VALUE = [/^[\w\s#.,%()-]+$/];

const baseOptions = {
  allowedSchemes: SCHEMES,
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'poster', 'srcset'],
  allowProtocolRelative: true,
  disallowedTagsMode: 'discard',
  // Text inside these is dropped along with the tag rather than shown as text.
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'noscript',
    'template',
    'iframe',
    'object',
  ],
} satisfies SanitizeHtml.IOptions;

const postOptions: SanitizeHtml.IOptions = {
  ...baseOptions,
  allowedTags: POST_TAGS,
  allowedAttributes: POST_ATTRIBUTES,
  allowedStyles: {
    '*': {
      'text-align': [/^(left|right|center|justify)$/],
      color: SAFE_STYLE_VALUE,
      'background-color': SAFE_STYLE_VALUE,
      'font-weight': [/^(normal|bold|[1-9]00)$/],
      'font-style': [/^(normal|italic)$/],
      'text-decoration': [/^[a-z\s-]+$/],
    },
  },
  transformTags: {
    // A link that opens a new window must not hand that window a handle back to ours.
    a: (tagName, attribs) => {
      if (attribs.target === '_blank') {
        const rel = new Set((attribs.rel ?? '').split(/\s+/).filter(Boolean));
        rel.add('noopener');
        return { tagName, attribs: { ...attribs, rel: [...rel].join(' ') } };
      }
      return { tagName, attribs };
    },
  },
};

const titleOptions: SanitizeHtml.IOptions = {
  ...baseOptions,
  allowedTags: Object.keys(TITLE_ATTRIBUTES),
  allowedAttributes: TITLE_ATTRIBUTES,
};

/**
 * Post content, excerpts, captions and descriptions from someone without `unfiltered_html`:
 * safe markup stays, scripts, event handlers, styles sheets and javascript: URLs go.
 */
export function sanitizePostHtml(markup: string): string {
  return sanitize(markup, postOptions);
}

/** Titles and term names from someone without `unfiltered_html`: inline markup only. */
export function sanitizeTitleHtml(markup: string): string {
  return sanitize(markup, titleOptions);
}

const TEXT_ESCAPES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
};

/**
 * The text of some markup, tags removed and entities decoded: for places that take no markup
 * (a page's <title>, the text of an excerpt). Escape it again before putting it into HTML.
 */
export function htmlToText(markup: string): string {
  const escaped = sanitize(markup, {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: baseOptions.nonTextTags,
  });
  return escaped.replace(/&(amp|lt|gt|quot);/g, (m) => TEXT_ESCAPES[m]!);
}
