/**
 * What may be uploaded: WordPress's common types minus anything a browser could run as a page
 * (HTML, SVG, XML, scripts). The type comes from the extension, as in WordPress, and the bytes
 * must agree with it where the format has a signature.
 */
export const UPLOAD_TYPES: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jpe: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  ogv: 'video/ogg',
};

export const FILE_TYPE_REFUSED = 'Sorry, you are not allowed to upload this file type.';

const ascii = (bytes: Buffer, start: number, end: number) =>
  bytes.subarray(start, end).toString('latin1');

const SIGNATURES: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])),
  'image/gif': (b) => /^GIF8[79]a$/.test(ascii(b, 0, 6)),
  'image/webp': (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP',
  'image/avif': (b) => ascii(b, 4, 8) === 'ftyp' && /^(avif|avis|mif1)$/.test(ascii(b, 8, 12)),
  'application/pdf': (b) => ascii(b, 0, 5) === '%PDF-',
  'audio/mpeg': (b) =>
    ascii(b, 0, 3) === 'ID3' || (b[0] === 0xff && b[1] !== undefined && (b[1] & 0xe0) === 0xe0),
  'audio/mp4': (b) => ascii(b, 4, 8) === 'ftyp',
  'audio/ogg': (b) => ascii(b, 0, 4) === 'OggS',
  'audio/wav': (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WAVE',
  'audio/flac': (b) => ascii(b, 0, 4) === 'fLaC',
  'video/mp4': (b) => ascii(b, 4, 8) === 'ftyp',
  'video/quicktime': (b) => /^(ftyp|moov|mdat|wide|free|skip|pnot)$/.test(ascii(b, 4, 8)),
  'video/webm': (b) => b.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])),
  'video/ogg': (b) => ascii(b, 0, 4) === 'OggS',
};

export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

/** The MIME type a file will be stored and served as, or undefined when it is refused. */
export function uploadTypeOf(fileName: string, bytes: Buffer): string | undefined {
  const ext = extensionOf(fileName);
  const type = Object.hasOwn(UPLOAD_TYPES, ext) ? UPLOAD_TYPES[ext] : undefined;
  if (!type) return undefined;
  const signature = SIGNATURES[type];
  if (signature && !signature(bytes)) return undefined;
  if (type.startsWith('text/') && looksLikeMarkup(bytes)) return undefined;
  return type;
}

/** A text file that is really a page or a script is refused even though it would be served as text. */
function looksLikeMarkup(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 512).toString('utf8').trimStart().toLowerCase();
  return /^<(!doctype|html|script|svg|\?xml|\?php)/.test(head);
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what goes
const SPECIAL = /[?[\]/\\=<>:;,'"&$#*()|~`!{}%+’«»”“\u0000-\u001f\u007f]/g;

/**
 * WordPress's `sanitize_file_name`, stricter: only letters, digits, `.`, `_` and `-` remain,
 * and an inner extension that is not an allowed one gets a `_` so `shell.php.jpg` cannot be
 * taken for PHP by any server that looks at inner extensions.
 */
export function sanitizeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  let out = base
    .normalize('NFC')
    .replace(SPECIAL, '')
    .replace(/%20/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/[\s-]+/g, '-')
    .replace(/[^\p{L}\p{N}._-]/gu, '')
    .replace(/^[.\-_]+|[.\-_]+$/g, '');
  // Only an extension left (`.png`): WordPress names such a file `unnamed-file.png`.
  if (!out.includes('.') && Object.hasOwn(UPLOAD_TYPES, out.toLowerCase()))
    out = `unnamed-file.${out}`;
  const parts = out.split('.');
  if (parts.length > 2) {
    const first = parts.shift()!;
    const ext = parts.pop()!;
    out =
      [
        first,
        ...parts.map((p) =>
          /^[a-zA-Z]{2,5}\d?$/.test(p) && !Object.hasOwn(UPLOAD_TYPES, p.toLowerCase())
            ? `${p}_`
            : p,
        ),
      ].join('.') + `.${ext}`;
  }
  const dot = out.lastIndexOf('.');
  let stem = dot < 0 ? out : out.slice(0, dot);
  const ext = dot < 0 ? '' : out.slice(dot + 1).toLowerCase();
  stem = [...stem].slice(0, 120).join('') || 'unnamed-file';
  return ext ? `${stem}.${ext}` : stem;
}

/** `name.ext` → `name-1.ext`, `name-2.ext`… (WordPress's `wp_unique_filename`). */
export function numberedFileName(name: string, n: number): string {
  if (n === 0) return name;
  const dot = name.lastIndexOf('.');
  return dot < 0 ? `${name}-${n}` : `${name.slice(0, dot)}-${n}${name.slice(dot)}`;
}

/** Width and height of a PNG, GIF, JPEG or WebP image, read from its header. */
export function imageSize(type: string, b: Buffer): { width: number; height: number } | undefined {
  try {
    switch (type) {
      case 'image/png':
        return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
      case 'image/gif':
        return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
      case 'image/webp':
        return webpSize(b);
      case 'image/jpeg':
        return jpegSize(b);
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function webpSize(b: Buffer): { width: number; height: number } | undefined {
  const chunk = ascii(b, 12, 16);
  if (chunk === 'VP8 ')
    return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  return undefined;
}

function jpegSize(b: Buffer): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const length = b.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker))
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  return undefined;
}
