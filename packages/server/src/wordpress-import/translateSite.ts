import type { ImportedMedia, ImportedPost } from '../content/imported.js';
import { POST_STATUSES, type PostStatus } from '../content/posts.js';
import type { SiteSettings } from '../settings/index.js';
import {
  SettingsError,
  isTimezone,
  validateSettingsChange,
} from '../settings/applySettingsChange.js';
import { parseWordpressLocal, parseWordpressUtc, type SiteClock } from './dates.js';
import { phpList, unserializePhp } from './phpUnserialize.js';
import type { ImportReport } from './report.js';
import type { WordpressPostRow, WordpressSite } from './source.js';

/** How the import names the WordPress site it came from: `siteurl`, lower-cased, no trailing slash. */
export function siteKey(site: WordpressSite): string | undefined {
  const url = (site.options.get('siteurl') ?? site.options.get('home') ?? '').trim();
  if (!/^https?:\/\/[^/]/i.test(url)) return undefined;
  return url.replace(/\/+$/, '').toLowerCase().slice(0, 255);
}

/** The `media.source_url` column. */
const MAX_SOURCE_URL_LENGTH = 2048;

/**
 * An attachment's original URL as Latchkey keeps it: absolute http or https only, normalised
 * (WHATWG), else undefined. `/?attachment_id=N` redirects to it and the REST API hands it to
 * clients as `source_url`, so a `javascript:` or `data:` guid in the dump must not get through.
 */
export function attachmentSourceUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '')
    return undefined;
  return url.href.length <= MAX_SOURCE_URL_LENGTH ? url.href : undefined;
}

/**
 * `_wp_attached_file` (`2024/05/name.png`) when it is a plain path inside the uploads folder:
 * Latchkey joins `media.file` to `<data-dir>/uploads` (deleting an attachment removes that
 * file), so a crafted `../../…` must never become one.
 */
function uploadsRelativePath(text: string): string | undefined {
  const relative = text.replace(/^\/+/, '');
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (relative === '' || relative.length > 200 || /[:\\\x00-\x1f\x7f]/.test(relative))
    return undefined;
  return relative.split('/').every((s) => s !== '' && s !== '.' && s !== '..')
    ? relative
    : undefined;
}

/** The last segment of the guid as a file name (`file` when it is none, or not a safe one). */
function guidFileName(guid: string): string {
  const last = guid.split('/').pop() ?? '';
  let name: string;
  try {
    name = decodeURIComponent(last);
  } catch {
    name = last; // malformed percent-encoding: kept as written
  }
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  return name === '' || name === '.' || name === '..' || /[/\\\x00-\x1f\x7f]/.test(name)
    ? 'file'
    : name.slice(0, 100);
}

/** WordPress escapes these options' HTML on save; Latchkey keeps plain text and escapes on output. */
const unescapeOption = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&amp;/g, '&');

/** The site's clock for dates in site time: its zone, else its fixed offset, else UTC. */
export function siteClock(site: WordpressSite): SiteClock {
  const zone = (site.options.get('timezone_string') ?? '').trim();
  if (zone && isTimezone(zone)) return { zone };
  const offset = Number((site.options.get('gmt_offset') ?? '').trim() || '0');
  return Number.isFinite(offset) && Math.abs(offset) <= 14
    ? { offsetHours: offset }
    : { zone: 'UTC' };
}

export function translateSettings(
  site: WordpressSite,
  report: ImportReport,
): Partial<Pick<SiteSettings, 'title' | 'description' | 'timezone'>> {
  const wanted: Record<'title' | 'description' | 'timezone', string | undefined> = {
    title: site.options.has('blogname') ? unescapeOption(site.options.get('blogname')!) : undefined,
    description: site.options.has('blogdescription')
      ? unescapeOption(site.options.get('blogdescription')!)
      : undefined,
    timezone: undefined,
  };
  const clock = siteClock(site);
  if ('zone' in clock) wanted.timezone = clock.zone;
  else if (clock.offsetHours === 0) wanted.timezone = 'UTC';
  else if (Number.isInteger(clock.offsetHours)) {
    // IANA's Etc zones have the sign the other way round (Etc/GMT-2 is UTC+2).
    const h = clock.offsetHours;
    wanted.timezone = `Etc/GMT${h > 0 ? '-' : '+'}${Math.abs(h)}`;
  } else
    report.skip(
      'settings',
      'timezone',
      'setting_invalid',
      `gmt_offset ${clock.offsetHours} has no IANA zone: choose the site's time zone in Latchkey's settings`,
    );
  const out: Partial<Pick<SiteSettings, 'title' | 'description' | 'timezone'>> = {};
  for (const name of ['title', 'description', 'timezone'] as const) {
    const value = wanted[name];
    if (value === undefined) continue;
    try {
      Object.assign(out, validateSettingsChange({ [name]: value }).changes);
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      report.skip('settings', name, 'setting_invalid', error.params[name] ?? error.message);
    }
  }
  return out;
}

export interface TermPlan {
  wpId: number;
  taxonomy: 'category' | 'post_tag';
  name: string;
  slug: string;
  description: string;
  parentWpId: number;
}

export interface PostPlan {
  wpId: number;
  authorWpId: number;
  parentWpId: number;
  featuredWpId: number;
  categoryWpIds: number[];
  tagWpIds: number[];
  post: Omit<ImportedPost, 'authorId' | 'categories' | 'tags'>;
}

export interface AttachmentPlan {
  wpId: number;
  authorWpId: number;
  parentWpId: number;
  media: Omit<ImportedMedia, 'authorId' | 'postId'>;
}

export interface ContentPlan {
  terms: TermPlan[];
  posts: PostPlan[];
  attachments: AttachmentPlan[];
}

const isStatus = (s: string): s is PostStatus => (POST_STATUSES as readonly string[]).includes(s);
const openOrClosed = (s: string) => (s === 'open' ? 'open' : 'closed');

function postDates(row: WordpressPostRow, clock: SiteClock, now: number) {
  const gmt = parseWordpressUtc(row.dateGmt);
  const date = gmt ?? parseWordpressLocal(row.date, clock) ?? now;
  const modified =
    parseWordpressUtc(row.modifiedGmt) ?? parseWordpressLocal(row.modified, clock) ?? date;
  // A draft nobody dated has a zero GMT date in WordPress: its date follows the save time.
  const floating = gmt === null && (row.status === 'draft' || row.status === 'pending');
  return { date, modified, floating };
}

/**
 * Categories, tags, posts, pages and attachments, as stored. Post content is not filtered again:
 * WordPress filtered it when it was saved, by its author's `unfiltered_html`, and Latchkey's
 * sanitiser would drop the block editor's `<!-- wp:… -->` markers.
 */
export function translateContent(
  site: WordpressSite,
  report: ImportReport,
  now: number,
): ContentPlan {
  const content = site.content;
  if (!content) return { terms: [], posts: [], attachments: [] };
  const clock = siteClock(site);
  const terms: TermPlan[] = content.terms.map((t) => ({
    wpId: t.termId,
    taxonomy: t.taxonomy === 'post_tag' ? 'post_tag' : 'category',
    name: unescapeOption(t.name).trim().slice(0, 200) || t.slug,
    slug: t.slug,
    description: t.description,
    parentWpId: t.taxonomy === 'category' ? t.parent : 0,
  }));
  const taxonomyOf = new Map(terms.map((t) => [t.wpId, t.taxonomy]));

  let sticky = new Set<number>();
  const stickyRaw = site.options.get('sticky_posts');
  if (stickyRaw) {
    try {
      const list = phpList(unserializePhp(stickyRaw)) ?? [];
      sticky = new Set(list.filter((v): v is number => typeof v === 'number'));
    } catch (error) {
      report.note(`sticky_posts: ${(error as Error).message}; no post was imported as sticky`);
    }
  }
  const termsOf = new Map<number, number[]>();
  for (const r of content.relationships) {
    let list = termsOf.get(r.postId);
    if (!list) termsOf.set(r.postId, (list = []));
    list.push(r.termId);
  }

  const posts: PostPlan[] = [];
  const attachments: AttachmentPlan[] = [];
  const uploadsBase = (
    site.options.get('upload_url_path')?.trim() ||
    `${(site.options.get('siteurl') ?? '').replace(/\/+$/, '')}/wp-content/uploads`
  ).replace(/\/+$/, '');

  for (const row of content.posts) {
    const meta = content.postMeta.get(row.id) ?? new Map<string, string>();
    const { date, modified, floating } = postDates(row, clock, now);
    if (row.type === 'attachment') {
      if (row.status === 'trash') {
        report.skip('attachments', row.name || `#${row.id}`, 'status_unsupported', 'in the trash');
        continue;
      }
      const relative = uploadsRelativePath(meta.get('_wp_attached_file') ?? '');
      // The file under the uploads URL, else the guid: the first that is an http(s) URL. An
      // attachment with neither is left out (and reported) rather than kept without a URL: it
      // would pose as a Latchkey upload at a path where nothing is, and nothing was downloaded.
      const sourceUrl =
        (relative !== undefined ? attachmentSourceUrl(`${uploadsBase}/${relative}`) : undefined) ??
        attachmentSourceUrl(row.guid);
      if (sourceUrl === undefined) {
        report.skip(
          'attachments',
          row.name || `#${row.id}`,
          'source_url_invalid',
          'neither its file under the uploads URL nor its guid is an absolute http or https URL (at most 2048 characters), so there is nothing to point at',
        );
        continue;
      }
      const file = relative ?? `wordpress/${row.id}/${guidFileName(row.guid)}`;
      let width: number | null = null;
      let height: number | null = null;
      const metadata = meta.get('_wp_attachment_metadata');
      if (metadata) {
        try {
          const value = unserializePhp(metadata);
          if (value instanceof Map) {
            const w = value.get('width');
            const h = value.get('height');
            if (typeof w === 'number' && typeof h === 'number') [width, height] = [w, h];
          }
        } catch (error) {
          report.note(
            `attachment ${row.name || row.id}: _wp_attachment_metadata ${(error as Error).message}; imported without its size`,
          );
        }
      }
      attachments.push({
        wpId: row.id,
        authorWpId: row.author,
        parentWpId: row.parent,
        media: {
          file,
          sourceUrl,
          mimeType: row.mimeType || 'application/octet-stream',
          width,
          height,
          title: row.title,
          slug: row.name,
          caption: row.excerpt,
          description: row.content,
          altText: meta.get('_wp_attachment_image_alt') ?? '',
          commentStatus: openOrClosed(row.commentStatus),
          pingStatus: openOrClosed(row.pingStatus),
          date,
          modified,
        },
      });
      continue;
    }
    const kind = row.type === 'page' ? 'pages' : 'posts';
    if (!isStatus(row.status)) {
      report.skip(
        kind,
        row.name || `#${row.id}`,
        'status_unsupported',
        `status ${JSON.stringify(row.status)} is not one Latchkey has`,
      );
      continue;
    }
    const trashedFrom = meta.get('_wp_trash_meta_status') ?? '';
    const termIds = termsOf.get(row.id) ?? [];
    posts.push({
      wpId: row.id,
      authorWpId: row.author,
      parentWpId: row.type === 'page' ? row.parent : 0,
      featuredWpId: Number(meta.get('_thumbnail_id') ?? 0) || 0,
      categoryWpIds:
        row.type === 'post' ? termIds.filter((id) => taxonomyOf.get(id) === 'category') : [],
      tagWpIds:
        row.type === 'post' ? termIds.filter((id) => taxonomyOf.get(id) === 'post_tag') : [],
      post: {
        type: row.type === 'page' ? 'page' : 'post',
        status: row.status,
        title: row.title,
        content: row.content,
        excerpt: row.excerpt,
        slug: row.name,
        date,
        dateFloating: floating,
        modified,
        menuOrder: row.menuOrder,
        commentStatus: openOrClosed(row.commentStatus),
        pingStatus: openOrClosed(row.pingStatus),
        sticky: sticky.has(row.id),
        password: row.password.slice(0, 255),
        trashedFrom:
          row.status === 'trash' && isStatus(trashedFrom)
            ? trashedFrom
            : row.status === 'trash'
              ? 'draft'
              : null,
      },
    });
  }
  return { terms, posts, attachments };
}
