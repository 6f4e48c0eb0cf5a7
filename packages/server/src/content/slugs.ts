/** The longest slug WordPress stores (`post_name` is varchar(200)). */
export const MAX_SLUG_LENGTH = 200;

/**
 * WordPress's `sanitize_title_with_dashes`: accents removed, lower case, anything but letters,
 * digits, `_` and `-` dropped, spaces to dashes. Other Unicode letters are kept percent-encoded,
 * as WordPress keeps them.
 */
export function sanitizeSlug(text: string): string {
  let out = '';
  const plain = text
    .replace(/<[^>]*>/g, '')
    .replace(/&[a-z0-9#]+;/gi, '')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[øØ]/g, 'o')
    .replace(/[đĐ]/g, 'd')
    .replace(/[łŁ]/g, 'l')
    .toLowerCase();
  for (const ch of plain) {
    if (/[a-z0-9_-]/.test(ch)) out += ch;
    else if (/[\s./]/.test(ch)) out += '-';
    else if (/[\p{L}\p{N}]/u.test(ch)) out += encodeURIComponent(ch).toLowerCase();
  }
  out = out.replace(/-+/g, '-').replace(/^-|-$/g, '');
  if (out.length > MAX_SLUG_LENGTH) {
    // Never cut through a percent-encoded byte.
    out = out
      .slice(0, MAX_SLUG_LENGTH)
      .replace(/%[0-9a-f]?$/, '')
      .replace(/-$/, '');
  }
  return out;
}

/** `base`, or `base-2`, `base-3`… : the first that `taken` says is free (WordPress's suffixes). */
export async function uniqueSlug(
  base: string,
  taken: (candidate: string) => Promise<boolean>,
): Promise<string> {
  if (!(await taken(base))) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = base.slice(0, MAX_SLUG_LENGTH - suffix.length) + suffix;
    if (!(await taken(candidate))) return candidate;
  }
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * Runs a write that picks a free slug, again when a concurrent writer took the same slug between
 * the check and the write (the unique index refuses the second one). Writers that keep colliding
 * wait a little, at random, so that they stop picking the same next slug.
 */
export async function retryOnSlugConflict<T>(write: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= attempts || !isUniqueViolation(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
