import type { User } from '../../../accounts/index.js';
import {
  autop,
  formatGmt,
  formatLocal,
  generatedSlug,
  postPath,
  renderExcerpt,
  type Post,
} from '../../../content/index.js';
import { callerCan, typeCan } from './callerAccess.js';
import { CURIES, type Context } from './resourceContext.js';

export const REST_BASE = { post: 'posts', page: 'pages' } as const;

export interface PostView {
  siteUrl: string;
  post: Post;
  categories: number[];
  tags: number[];
  context: Context;
  timeZone: string;
  viewer: User | undefined;
  /** Password-protected content may be shown (edit context, or the right password given). */
  unlocked: boolean;
}

type Link = Record<string, unknown>;

function postLinks(view: PostView): Record<string, Link[]> {
  const { post, siteUrl, viewer } = view;
  const api = `${siteUrl}/wp-json/wp/v2`;
  const base = REST_BASE[post.type];
  const self = `${api}/${base}/${post.id}`;
  const links: Record<string, Link[]> = {
    self: [{ href: self }],
    collection: [{ href: `${api}/${base}` }],
    about: [{ href: `${api}/types/${post.type}` }],
  };
  if (post.authorId) links.author = [{ embeddable: true, href: `${api}/users/${post.authorId}` }];
  links.replies = [{ embeddable: true, href: `${api}/comments?post=${post.id}` }];
  links['version-history'] = [{ count: 0, href: `${self}/revisions` }];
  if (post.type === 'page' && post.parent > 0)
    links.up = [{ embeddable: true, href: `${api}/pages/${post.parent}` }];
  if (post.featuredMedia > 0)
    links['wp:featuredmedia'] = [{ embeddable: true, href: `${api}/media/${post.featuredMedia}` }];
  links['wp:attachment'] = [{ href: `${api}/media?parent=${post.id}` }];
  if (post.type === 'post') {
    links['wp:term'] = [
      { taxonomy: 'category', embeddable: true, href: `${api}/categories?post=${post.id}` },
      { taxonomy: 'post_tag', embeddable: true, href: `${api}/tags?post=${post.id}` },
    ];
  }
  if (view.context === 'edit') {
    // What the caller may do with this post, as WordPress's get_available_actions lists it.
    const actions: string[] = [];
    if (typeCan(viewer, post.type, 'publish_posts')) actions.push('publish');
    if (callerCan(viewer, 'unfiltered_html')) actions.push('unfiltered-html');
    if (
      post.type === 'post' &&
      typeCan(viewer, 'post', 'edit_others_posts') &&
      typeCan(viewer, 'post', 'publish_posts')
    )
      actions.push('sticky');
    if (typeCan(viewer, post.type, 'edit_others_posts')) actions.push('assign-author');
    if (post.type === 'post') {
      if (callerCan(viewer, { capability: 'edit_terms', taxonomy: 'category' }))
        actions.push('create-categories');
      if (callerCan(viewer, { capability: 'assign_terms', taxonomy: 'category' }))
        actions.push('assign-categories');
      // Tags are not hierarchical: whoever may assign them may create them.
      if (callerCan(viewer, { capability: 'assign_terms', taxonomy: 'post_tag' }))
        actions.push('create-tags', 'assign-tags');
    }
    for (const action of actions) links[`wp:action-${action}`] = [{ href: self }];
  }
  links.curies = CURIES;
  return links;
}

/** A post or page as wp/v2 shows it, in WordPress's key order for the context. */
export function postResource(view: PostView): Record<string, unknown> {
  const { post, siteUrl, context } = view;
  const isPost = post.type === 'post';
  const link = `${siteUrl}${postPath(post)}`;
  const guid = `${siteUrl}${post.guid}`;
  const locked = post.password !== '' && !view.unlocked;
  const content = locked ? '' : autop(post.content);
  const excerpt = locked ? '' : renderExcerpt(post.excerpt, post.content);
  const isProtected = post.password !== '';
  const date = formatLocal(post.date, view.timeZone);
  const links = postLinks(view);

  if (context === 'embed') {
    return {
      id: post.id,
      date,
      slug: post.slug ?? '',
      type: post.type,
      link,
      title: { rendered: post.title },
      excerpt: { rendered: excerpt, protected: isProtected },
      author: post.authorId,
      featured_media: post.featuredMedia,
      _links: links,
    };
  }
  const edit = context === 'edit';
  const out: Record<string, unknown> = {
    id: post.id,
    date,
    date_gmt: formatGmt(post.date),
    guid: edit ? { rendered: guid, raw: guid } : { rendered: guid },
    modified: formatLocal(post.modified, view.timeZone),
    modified_gmt: formatGmt(post.modified),
  };
  if (edit) out.password = post.password;
  Object.assign(out, {
    slug: post.slug ?? '',
    status: post.status,
    type: post.type,
    link,
    title: edit ? { raw: post.title, rendered: post.title } : { rendered: post.title },
    content: edit
      ? { raw: post.content, rendered: content, protected: isProtected, block_version: 0 }
      : { rendered: content, protected: isProtected },
    excerpt: edit
      ? { raw: post.excerpt, rendered: excerpt, protected: isProtected }
      : { rendered: excerpt, protected: isProtected },
    author: post.authorId,
    featured_media: post.featuredMedia,
  });
  if (!isPost) Object.assign(out, { parent: post.parent, menu_order: post.menuOrder });
  Object.assign(out, { comment_status: post.commentStatus, ping_status: post.pingStatus });
  if (isPost) out.sticky = post.sticky;
  out.template = '';
  if (isPost) out.format = post.format;
  out.meta = [];
  if (isPost) Object.assign(out, { categories: view.categories, tags: view.tags });
  if (edit) {
    out.permalink_template = `${siteUrl}/${isPost ? '%postname%' : '%pagename%'}/`;
    out.generated_slug = generatedSlug(post);
  }
  out._links = links;
  return out;
}
