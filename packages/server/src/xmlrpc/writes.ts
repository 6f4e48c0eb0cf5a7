import { can, type User } from '../accounts/index.js';
import {
  checkPostWrite,
  cleanPostHtml,
  cleanPostTitle,
  ContentError,
  createPost,
  createTerm,
  existingTermIds,
  htmlToText,
  listTerms,
  updatePost,
  type Post,
  type PostChanges,
  type PostStatus,
  type PostType,
  type Taxonomy,
} from '../content/index.js';
import type { AppContext } from '../context.js';
import { readSettings } from '../settings/index.js';
import { notPermitted, XmlRpcFault } from './faults.js';
import { memberDate, memberInt, memberList, memberString, toInt, truthy } from './method.js';
import { typeCan } from './shapes.js';
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from './values.js';

type WritableStatus = Exclude<PostStatus, 'trash'>;

/** Content with its `<!--more-->` part, each side sanitised on its own so the marker stays. */
function contentWithMore(user: User, main: string, more: string | undefined): string {
  const body = cleanPostHtml(user, main);
  return more ? `${body}<!--more-->${cleanPostHtml(user, more)}` : body;
}

/** The id of the term of that name (case-insensitive, as WordPress's lookup by name). */
export async function termIdByName(
  ctx: AppContext,
  taxonomy: Taxonomy,
  name: string,
): Promise<number | undefined> {
  const wanted = name.trim().toLowerCase();
  if (wanted === '') return undefined;
  const { terms } = await listTerms(ctx.db, {
    taxonomy,
    search: name.trim(),
    page: 1,
    perPage: 100,
    orderBy: 'id',
    order: 'asc',
  });
  return terms.find((t) => t.name.toLowerCase() === wanted)?.id;
}

/** The tag of that name, created when missing (WordPress's `tags_input`). */
async function tagIdFor(ctx: AppContext, given: string): Promise<number | undefined> {
  // Names are plain text for everyone, as over REST.
  const name = htmlToText(given).trim();
  if (name === '') return undefined;
  const known = await termIdByName(ctx, 'post_tag', name);
  if (known !== undefined) return known;
  try {
    return (await createTerm(ctx.db, { taxonomy: 'post_tag', name })).id;
  } catch (error) {
    if (error instanceof ContentError && error.code === 'term_exists')
      return Number(error.data.term_id);
    throw error;
  }
}

const stringsOf = (list: unknown[] | undefined): string[] =>
  (list ?? []).map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : ''));

const openClosed = (value: XmlRpcValue | undefined): string | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  if (value === 'open' || value === 'closed') return value;
  return truthy(value) ? 'open' : 'closed';
};

/**
 * metaWeblog's post struct to changes (`mw_newPost` / `mw_editPost`, and `wp.newPage` /
 * `wp.editPage`, which use them): `title`, `description` + `mt_text_more`, `mt_excerpt`,
 * `categories` (names), `mt_keywords` (tag names), `wp_slug`, `wp_password`, `dateCreated` /
 * `date_created_gmt`, `mt_allow_comments`, `mt_allow_pings`, `wp_author_id`, `sticky`,
 * `wp_post_format`, `wp_page_parent_id`, `wp_page_order`, and the status from `publish` or
 * `post_status` / `page_status`.
 */
export async function saveMetaWeblogPost(
  ctx: AppContext,
  user: User,
  struct: XmlRpcStruct,
  publish: boolean,
  target: { type: PostType; existing?: Post },
): Promise<Post> {
  const { type, existing } = target;
  const plural = type === 'page' ? 'pages' : 'posts';
  const noun = type === 'page' ? 'page' : 'post';
  const statusMember = memberString(struct, `${type}_status`);
  let status: WritableStatus = publish ? 'publish' : 'draft';
  if (statusMember && ['draft', 'pending', 'private', 'publish'].includes(statusMember))
    status = statusMember as WritableStatus;

  if (!existing) {
    const cap = status === 'publish' ? 'publish_posts' : 'create_posts';
    if (!typeCan(user, type, cap))
      throw notPermitted(`Sorry, you are not allowed to publish ${plural} on this site.`);
  }
  if ((status === 'publish' || status === 'private') && !typeCan(user, type, 'publish_posts'))
    throw notPermitted(`Sorry, you are not allowed to publish this ${noun}.`);

  const changes: PostChanges = { status };
  const authorId = memberInt(struct, 'wp_author_id');
  if (authorId !== undefined && authorId !== (existing?.authorId ?? user.id)) {
    if (!typeCan(user, type, 'edit_others_posts'))
      throw notPermitted(
        existing
          ? `Sorry, you are not allowed to change the ${noun} author as this user.`
          : `Sorry, you are not allowed to create ${plural} as this user.`,
      );
    changes.authorId = authorId;
  }
  const title = memberString(struct, 'title');
  if (title !== undefined) changes.title = cleanPostTitle(user, title);
  const description = memberString(struct, 'description');
  if (description !== undefined)
    changes.content = contentWithMore(user, description, memberString(struct, 'mt_text_more'));
  const excerpt = memberString(struct, 'mt_excerpt');
  if (excerpt !== undefined) changes.excerpt = cleanPostHtml(user, excerpt);
  const slug = memberString(struct, 'wp_slug');
  if (slug !== undefined && slug !== '') changes.slug = slug;
  const password = memberString(struct, 'wp_password');
  if (password !== undefined) changes.password = password;
  const comments = openClosed(struct.mt_allow_comments);
  if (comments) changes.commentStatus = comments;
  const pings = openClosed(struct.mt_allow_pings);
  if (pings) changes.pingStatus = pings;

  const { timezone } = await readSettings(ctx.db);
  const gmt = memberDate(struct, 'date_created_gmt');
  const local = memberDate(struct, 'dateCreated');
  if (gmt) changes.date = gmt.toEpoch('UTC');
  else if (local) changes.date = local.toEpoch(timezone);

  if (type === 'post') {
    if (struct.sticky !== undefined) {
      const sticky = truthy(struct.sticky);
      if (sticky && !typeCan(user, 'post', 'edit_others_posts'))
        throw notPermitted('Sorry, you are not allowed to make posts sticky.');
      changes.sticky = sticky;
    }
    const format = memberString(struct, 'wp_post_format');
    if (format) changes.format = format;
    const categoryNames = memberList(struct, 'categories');
    if (categoryNames !== undefined) {
      const ids: number[] = [];
      for (const name of stringsOf(categoryNames)) {
        const id = await termIdByName(ctx, 'category', name);
        if (id !== undefined) ids.push(id);
      }
      changes.categories = ids;
    }
    const keywords = memberString(struct, 'mt_keywords');
    if (keywords !== undefined) {
      const ids: number[] = [];
      for (const name of keywords.split(',')) {
        const id = await tagIdFor(ctx, name.trim());
        if (id !== undefined) ids.push(id);
      }
      changes.tags = ids;
    }
  } else {
    const parent = memberInt(struct, 'wp_page_parent_id');
    if (parent !== undefined) changes.parent = parent;
    const order = memberInt(struct, 'wp_page_order');
    if (order !== undefined) changes.menuOrder = order;
  }
  return write(ctx, user, type, changes, existing);
}

const WP_STATUSES = ['draft', 'pending', 'private', 'publish', 'future'];

/**
 * `wp.newPost` / `wp.editPost` (WordPress's `_insert_post`): `post_type`, `post_status`,
 * `post_title`, `post_author`, `post_excerpt`, `post_content`, `post_date` / `post_date_gmt`,
 * `post_format`, `post_name`, `post_password`, `post_parent`, `menu_order`, `comment_status`,
 * `ping_status`, `sticky`, `post_thumbnail`, `terms` (ids by taxonomy) and `terms_names`.
 */
export async function saveWpPost(
  ctx: AppContext,
  user: User,
  struct: XmlRpcStruct,
  existing: Post | undefined,
): Promise<Post> {
  const requestedType = memberString(struct, 'post_type') ?? existing?.type ?? 'post';
  if (requestedType !== 'post' && requestedType !== 'page')
    throw new XmlRpcFault(403, 'Invalid post type.');
  const type: PostType = requestedType;
  if (existing && existing.type !== type) throw notPermitted('The post type may not be changed.');
  if (!existing && !typeCan(user, type, 'create_posts'))
    throw notPermitted('Sorry, you are not allowed to post on this site.');

  const changes: PostChanges = {};
  const authorId = memberInt(struct, 'post_author');
  if (authorId !== undefined && authorId !== (existing?.authorId ?? user.id)) {
    if (!typeCan(user, type, 'edit_others_posts'))
      throw notPermitted(
        existing
          ? 'Sorry, you are not allowed to change the post author as this user.'
          : 'Sorry, you are not allowed to create posts as this user.',
      );
    changes.authorId = authorId;
  }
  const status = memberString(struct, 'post_status');
  if (status !== undefined) {
    if (status === 'private' && !typeCan(user, type, 'publish_posts'))
      throw notPermitted('Sorry, you are not allowed to create private posts in this post type.');
    if ((status === 'publish' || status === 'future') && !typeCan(user, type, 'publish_posts'))
      throw notPermitted('Sorry, you are not allowed to publish posts in this post type.');
    changes.status = WP_STATUSES.includes(status) ? (status as WritableStatus) : 'draft';
  }
  const title = memberString(struct, 'post_title');
  if (title !== undefined) changes.title = cleanPostTitle(user, title);
  const content = memberString(struct, 'post_content');
  if (content !== undefined) {
    const { main, more } = splitOnMore(content);
    changes.content = contentWithMore(user, main, more);
  }
  const excerpt = memberString(struct, 'post_excerpt');
  if (excerpt !== undefined) changes.excerpt = cleanPostHtml(user, excerpt);
  const slug = memberString(struct, 'post_name');
  if (slug !== undefined && slug !== '') changes.slug = slug;
  const password = memberString(struct, 'post_password');
  if (password !== undefined) changes.password = password;
  const comments = openClosed(struct.comment_status);
  if (comments) changes.commentStatus = comments;
  const pings = openClosed(struct.ping_status);
  if (pings) changes.pingStatus = pings;
  const { timezone } = await readSettings(ctx.db);
  const gmt = memberDate(struct, 'post_date_gmt');
  const local = memberDate(struct, 'post_date');
  if (gmt) changes.date = gmt.toEpoch('UTC');
  else if (local) changes.date = local.toEpoch(timezone);
  const thumbnail = memberInt(struct, 'post_thumbnail');
  if (thumbnail !== undefined) changes.featuredMedia = thumbnail;

  if (type === 'page') {
    const parent = memberInt(struct, 'post_parent');
    if (parent !== undefined) changes.parent = parent;
    const order = memberInt(struct, 'menu_order');
    if (order !== undefined) changes.menuOrder = order;
  } else {
    const format = memberString(struct, 'post_format');
    if (format) changes.format = format;
    if (struct.sticky !== undefined) {
      const sticky = truthy(struct.sticky);
      if (sticky && !typeCan(user, 'post', 'edit_others_posts'))
        throw notPermitted('Sorry, you are not allowed to make posts sticky.');
      changes.sticky = sticky;
    }
  }
  await applyTerms(ctx, user, type, struct, changes);
  return write(ctx, user, type, changes, existing);
}

function splitOnMore(content: string): { main: string; more: string | undefined } {
  const m = /<!--more(.*?)?-->/.exec(content);
  if (!m) return { main: content, more: undefined };
  return { main: content.slice(0, m.index), more: content.slice(m.index + m[0].length) };
}

/** `terms` (ids) and `terms_names` (names, created when missing) of `wp.newPost`/`editPost`. */
async function applyTerms(
  ctx: AppContext,
  user: User,
  type: PostType,
  struct: XmlRpcStruct,
  changes: PostChanges,
): Promise<void> {
  const byIds = struct.terms;
  const byNames = struct.terms_names;
  if (byIds === undefined && byNames === undefined) return;
  const chosen: Record<Taxonomy, number[] | undefined> = {
    category: undefined,
    post_tag: undefined,
  };
  const taxonomyOf = (name: string): Taxonomy => {
    if (type !== 'post' || (name !== 'category' && name !== 'post_tag'))
      throw notPermitted('Sorry, one of the given taxonomies is not supported by the post type.');
    if (!can(user, { capability: 'assign_terms', taxonomy: name }))
      throw notPermitted(
        'Sorry, you are not allowed to assign a term to one of the given taxonomies.',
      );
    return name;
  };
  if (byIds !== undefined && byIds !== null) {
    if (!isStruct(byIds)) throw new XmlRpcFault(-32602, 'The terms member must be a struct.');
    for (const [name, list] of Object.entries(byIds)) {
      const taxonomy = taxonomyOf(name);
      const ids = (Array.isArray(list) ? list : [list]).map((v) => toInt(v) ?? -1);
      const known = await existingTermIds(ctx.db, taxonomy, ids);
      if (known.length !== new Set(ids).size) throw new XmlRpcFault(403, 'Invalid term ID.');
      chosen[taxonomy] = ids;
    }
  }
  if (byNames !== undefined && byNames !== null) {
    if (!isStruct(byNames))
      throw new XmlRpcFault(-32602, 'The terms_names member must be a struct.');
    for (const [name, list] of Object.entries(byNames)) {
      const taxonomy = taxonomyOf(name);
      const ids = chosen[taxonomy] ?? [];
      for (const termName of stringsOf(Array.isArray(list) ? list : [list])) {
        if (termName.trim() === '') continue;
        let id = await termIdByName(ctx, taxonomy, termName);
        if (id === undefined) {
          // Tags are not hierarchical: whoever may assign them may create them (as over REST).
          if (taxonomy === 'category' && !can(user, { capability: 'edit_terms', taxonomy }))
            throw notPermitted(
              'Sorry, you are not allowed to add a term to one of the given taxonomies.',
            );
          id =
            taxonomy === 'post_tag'
              ? await tagIdFor(ctx, termName)
              : (await createTerm(ctx.db, { taxonomy, name: htmlToText(termName) })).id;
        }
        if (id !== undefined) ids.push(id);
      }
      chosen[taxonomy] = ids;
    }
  }
  if (chosen.category) changes.categories = chosen.category;
  if (chosen.post_tag) changes.tags = chosen.post_tag;
}

async function write(
  ctx: AppContext,
  user: User,
  type: PostType,
  changes: PostChanges,
  existing: Post | undefined,
): Promise<Post> {
  // The content rules (author, parent, featured image, sticky vs password, emptiness) decide;
  // their refusals become WordPress's XML-RPC faults through errors/wire.ts.
  await checkPostWrite(ctx.db, type, changes, existing, user);
  if (existing) return updatePost(ctx.db, existing, changes, ctx.now());
  return createPost(
    ctx.db,
    {
      ...changes,
      date: changes.date ?? undefined,
      type,
      authorId: changes.authorId ?? user.id,
      status: changes.status ?? 'draft',
    },
    ctx.now(),
  );
}

/** Blogger's content: `<title>…</title><category>1,2</category>` then the body (WordPress's reading). */
export function parseBloggerContent(content: string): {
  title: string | undefined;
  categoryIds: number[] | undefined;
  body: string;
} {
  const title = /<title>([\s\S]+?)<\/title>/i.exec(content)?.[1];
  const categories = /<category>([\s\S]+?)<\/category>/i.exec(content)?.[1];
  const body = content
    .replace(/<title>[\s\S]+?<\/title>/gi, '')
    .replace(/<category>[\s\S]+?<\/category>/gi, '')
    .trim();
  return {
    title,
    categoryIds:
      categories === undefined
        ? undefined
        : categories
            .replace(/^,+|,+$/g, '')
            .split(',')
            .map((c) => toInt(c.trim()) ?? -1),
    body,
  };
}

/**
 * `blogger.newPost` / `blogger.editPost`: the content string becomes the title, the categories
 * (ids; unknown ones are dropped) and the body; `publish` picks publish or draft.
 */
export async function saveBloggerPost(
  ctx: AppContext,
  user: User,
  content: string,
  publish: boolean,
  existing: Post | undefined,
): Promise<Post> {
  const { title, categoryIds, body } = parseBloggerContent(content);
  const changes: PostChanges = {
    status: publish ? 'publish' : 'draft',
    title: cleanPostTitle(user, title ?? ''),
    content: cleanPostHtml(user, body),
  };
  if (categoryIds !== undefined)
    changes.categories = await existingTermIds(ctx.db, 'category', categoryIds);
  return write(ctx, user, 'post', changes, existing);
}

/** `mt.publishPost`: the post as it is, published. */
export async function publishExistingPost(ctx: AppContext, user: User, post: Post): Promise<Post> {
  return write(ctx, user, post.type, { status: 'publish' }, post);
}
