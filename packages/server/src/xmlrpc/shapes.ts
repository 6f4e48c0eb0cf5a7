import {
  can,
  findUserById,
  postTypeCapability,
  type PostRef,
  type User,
} from '../accounts/index.js';
import {
  listTerms,
  postPath,
  termIdsOfPosts,
  type Media,
  type MediaListQuery,
  type Post,
  type PostReader,
  type PostType,
  type Term,
} from '../content/index.js';
import type { AppContext } from '../context.js';
import { newStruct, XmlRpcDateTime, type XmlRpcStruct, type XmlRpcValue } from './values.js';

// Capabilities, as the REST handlers check them.

export const postRef = (post: Post): PostRef => ({
  authorId: post.authorId,
  status: post.status,
  type: post.type,
  trashedFrom: post.trashedFrom ?? undefined,
});

export const canEditPost = (user: User, post: Post) =>
  can(user, { capability: 'edit_post', post: postRef(post) });

export const canDeletePost = (user: User, post: Post) =>
  can(user, { capability: 'delete_post', post: postRef(post) });

/** Attachments are judged as WordPress's `inherit` posts of type attachment. */
export const mediaRef = (media: Media): PostRef => ({
  authorId: media.authorId,
  status: 'inherit',
  type: 'attachment',
});

export const canDeleteMedia = (user: User, media: Media) =>
  can(user, { capability: 'delete_post', post: mediaRef(media) });

export const typeCan = (
  user: User,
  type: PostType | 'attachment',
  capability: Parameters<typeof postTypeCapability>[1],
) => can(user, postTypeCapability(type, capability));

export function readerOf(user: User, type: PostType): PostReader {
  return {
    userId: user.id,
    readPrivate: typeCan(user, type, 'read_private_posts'),
    editOthers: typeCan(user, type, 'edit_others_posts'),
  };
}

/** What a media listing may show: attachments of posts and pages the user may read. */
export function mediaReaderOf(user: User): MediaListQuery['reader'] {
  const pages = readerOf(user, 'page');
  return {
    ...readerOf(user, 'post'),
    readPrivatePages: pages.readPrivate,
    editOthersPages: pages.editOthers,
  };
}

// Links.

export const postLink = (site: string, post: Post) => `${site}${postPath(post)}`;

const ARCHIVE = { category: 'category', post_tag: 'tag' } as const;

export const termLink = (site: string, term: Term) =>
  `${site}/${ARCHIVE[term.taxonomy]}/${encodeURIComponent(term.slug)}/`;

export const termFeedLink = (site: string, term: Term) => `${termLink(site, term)}feed/`;

/** Where an upload is served (what `/wp-content/uploads/…` answers), or an imported original. */
export const mediaUrl = (site: string, media: Media) =>
  media.sourceUrl ??
  `${site}/wp-content/uploads/${media.file.split('/').map(encodeURIComponent).join('/')}`;

/** WordPress's `get_extended`: the part before `<!--more-->`, the rest, and the link text. */
export function splitMore(content: string): { main: string; extended: string; moreText: string } {
  const m = /<!--more(.*?)?-->/.exec(content);
  if (!m) return { main: content.trimStart(), extended: '', moreText: '' };
  return {
    main: content.slice(0, m.index).trimStart(),
    extended: content.slice(m.index + m[0].length).trimStart(),
    moreText: (m[1] ?? '').trim(),
  };
}

// What the shapes need besides the post: its terms and its author.

export interface PostTerms {
  categories: Term[];
  tags: Term[];
}

export async function termsOfPosts(
  ctx: AppContext,
  postIds: number[],
): Promise<Map<number, PostTerms>> {
  const ids = await termIdsOfPosts(ctx.db, postIds);
  const wanted = { category: new Set<number>(), post_tag: new Set<number>() };
  for (const entry of ids.values()) {
    for (const id of entry.categories) wanted.category.add(id);
    for (const id of entry.tags) wanted.post_tag.add(id);
  }
  const byId = new Map<number, Term>();
  for (const taxonomy of ['category', 'post_tag'] as const) {
    const include = [...wanted[taxonomy]];
    for (let i = 0; i < include.length; i += 100) {
      const { terms } = await listTerms(ctx.db, {
        taxonomy,
        include: include.slice(i, i + 100),
        page: 1,
        perPage: 100,
        orderBy: 'id',
        order: 'asc',
      });
      for (const term of terms) byId.set(term.id, term);
    }
  }
  const out = new Map<number, PostTerms>();
  for (const [postId, entry] of ids) {
    const pick = (list: number[]) => list.map((id) => byId.get(id)).filter((t) => t !== undefined);
    out.set(postId, { categories: pick(entry.categories), tags: pick(entry.tags) });
  }
  return out;
}

export async function usersById(ctx: AppContext, ids: number[]): Promise<Map<number, User>> {
  const out = new Map<number, User>();
  for (const id of new Set(ids)) {
    const user = id > 0 ? await findUserById(ctx.db, id) : undefined;
    if (user) out.set(id, user);
  }
  return out;
}

export interface ShapeContext {
  site: string;
  timeZone: string;
}

const local = (ms: number, s: ShapeContext) => XmlRpcDateTime.local(ms, s.timeZone);
const gmt = (ms: number) => XmlRpcDateTime.gmt(ms);

/** Drafts nobody dated show a zero GMT date in WordPress. */
const gmtOrZero = (post: Post) =>
  post.dateFloating && (post.status === 'draft' || post.status === 'pending')
    ? new XmlRpcDateTime('0000-00-00T00:00:00', '')
    : gmt(post.date);

/** metaWeblog's post struct (`mw_getPost`, `mw_getRecentPosts`). */
export function metaWeblogPost(
  post: Post,
  terms: PostTerms | undefined,
  author: User | undefined,
  s: ShapeContext,
  postIdAsString: boolean,
): XmlRpcStruct {
  const { main, extended, moreText } = splitMore(post.content);
  const link = postLink(s.site, post);
  const struct: XmlRpcStruct = newStruct();
  Object.assign(struct, {
    dateCreated: local(post.date, s),
    userid: String(post.authorId),
    postid: postIdAsString ? String(post.id) : post.id,
    description: main,
    title: post.title,
    link,
    permaLink: link,
    categories: (terms?.categories ?? []).map((t) => t.name),
    mt_excerpt: post.excerpt,
    mt_text_more: extended,
    wp_more_text: moreText,
    mt_allow_comments: post.commentStatus === 'open' ? 1 : 0,
    mt_allow_pings: post.pingStatus === 'open' ? 1 : 0,
    mt_keywords: (terms?.tags ?? []).map((t) => t.name).join(','),
    wp_slug: post.slug ?? '',
    wp_password: post.password,
    wp_author_id: String(post.authorId),
    wp_author_display_name: author?.displayName ?? '',
    date_created_gmt: gmtOrZero(post),
    post_status: post.status,
    custom_fields: [],
    wp_post_format: post.format || 'standard',
    date_modified: local(post.modified, s),
    date_modified_gmt: gmt(post.modified),
    sticky: post.type === 'post' && post.sticky,
    wp_post_thumbnail: post.featuredMedia,
  } satisfies Record<string, XmlRpcValue>);
  return struct;
}

/** WordPress's `_prepare_term`. */
export function termStruct(term: Term): XmlRpcStruct {
  return Object.assign(newStruct(), {
    term_id: String(term.id),
    name: term.name,
    slug: term.slug,
    term_group: '0',
    term_taxonomy_id: String(term.id),
    taxonomy: term.taxonomy,
    description: term.description,
    parent: String(term.parent),
    count: term.count,
    filter: 'raw',
    custom_fields: [],
  } satisfies Record<string, XmlRpcValue>);
}

/** WordPress's `_prepare_media_item`. */
export function mediaStruct(media: Media, s: ShapeContext): XmlRpcStruct {
  const url = mediaUrl(s.site, media);
  const metadata: XmlRpcStruct = newStruct();
  if (media.width !== null && media.height !== null) {
    Object.assign(metadata, { width: media.width, height: media.height });
  }
  Object.assign(metadata, { file: media.file, filesize: media.size, sizes: newStruct() });
  return Object.assign(newStruct(), {
    attachment_id: String(media.id),
    date_created_gmt: gmt(media.date),
    parent: media.postId,
    link: url,
    title: media.title,
    caption: media.caption,
    description: media.description,
    metadata,
    type: media.mimeType,
    alt: media.altText,
    thumbnail: url,
  } satisfies Record<string, XmlRpcValue>);
}

/** The fields `wp.getPost` and `wp.getPosts` return by default. */
export const DEFAULT_POST_FIELDS = ['post', 'terms', 'custom_fields'];

/** WordPress's `_prepare_post`: `post_id` always, then the requested groups and fields. */
export function wpPost(
  post: Post,
  terms: PostTerms | undefined,
  fields: string[],
  s: ShapeContext,
): XmlRpcStruct {
  const out: XmlRpcStruct = Object.assign(newStruct(), { post_id: String(post.id) });
  const postFields: Record<string, XmlRpcValue> = {
    post_title: post.title,
    post_date: local(post.date, s),
    post_date_gmt: gmtOrZero(post),
    post_modified: local(post.modified, s),
    post_modified_gmt: gmt(post.modified),
    // Scheduled posts count as published here, as in WordPress.
    post_status: post.status === 'future' ? 'publish' : post.status,
    post_type: post.type,
    post_name: post.slug ?? '',
    post_author: String(post.authorId),
    post_password: post.password,
    post_excerpt: post.excerpt,
    post_content: post.content,
    post_parent: String(post.parent),
    post_mime_type: '',
    link: postLink(s.site, post),
    guid: `${s.site}${post.guid}`,
    menu_order: post.menuOrder,
    comment_status: post.commentStatus,
    ping_status: post.pingStatus,
    sticky: post.type === 'post' && post.sticky,
    post_thumbnail: [],
    post_format: post.format || 'standard',
  };
  const everything = fields.includes('post');
  for (const [key, value] of Object.entries(postFields))
    if (everything || fields.includes(key)) out[key] = value;
  if (fields.includes('terms') || fields.includes('taxonomies'))
    out.terms = [...(terms?.categories ?? []), ...(terms?.tags ?? [])].map(termStruct);
  if (fields.includes('custom_fields')) out.custom_fields = [];
  return out;
}

/** WordPress's `_prepare_page`. */
export function pageStruct(
  page: Post,
  author: User | undefined,
  parent: Post | undefined,
  s: ShapeContext,
): XmlRpcStruct {
  const { main, extended } = splitMore(page.content);
  const link = postLink(s.site, page);
  return Object.assign(newStruct(), {
    dateCreated: local(page.date, s),
    userid: String(page.authorId),
    page_id: page.id,
    page_status: page.status,
    description: main,
    title: page.title,
    link,
    permaLink: link,
    categories: [],
    excerpt: page.excerpt,
    text_more: extended,
    mt_allow_comments: page.commentStatus === 'open' ? 1 : 0,
    mt_allow_pings: page.pingStatus === 'open' ? 1 : 0,
    wp_slug: page.slug ?? '',
    wp_password: page.password,
    wp_author: author?.displayName ?? '',
    wp_page_parent_id: page.parent,
    wp_page_parent_title: parent?.title ?? '',
    wp_page_order: page.menuOrder,
    wp_author_id: String(page.authorId),
    wp_author_display_name: author?.displayName ?? '',
    date_created_gmt: gmtOrZero(page),
    custom_fields: [],
    wp_page_template: 'default',
  } satisfies Record<string, XmlRpcValue>);
}
