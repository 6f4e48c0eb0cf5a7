import type { User } from '../../../accounts/index.js';
import { autop, formatGmt, formatLocal, type Media } from '../../../content/index.js';
import { callerCan, typeCan } from './callerAccess.js';
import { CURIES, type Context } from './resourceContext.js';

export interface MediaView {
  siteUrl: string;
  media: Media;
  context: Context;
  timeZone: string;
  viewer: User | undefined;
}

/** Where the file is served: `{site}/wp-content/uploads/YYYY/MM/name`, or an imported original. */
export function sourceUrl(siteUrl: string, media: Media): string {
  if (media.sourceUrl !== null) return media.sourceUrl;
  return `${siteUrl}/wp-content/uploads/${media.file.split('/').map(encodeURIComponent).join('/')}`;
}

const EMPTY_IMAGE_META = {
  aperture: '0',
  credit: '',
  camera: '',
  caption: '',
  created_timestamp: '0',
  copyright: '',
  focal_length: '0',
  iso: '0',
  shutter_speed: '0',
  title: '',
  orientation: '0',
  keywords: [],
};

function mediaDetails(media: Media): Record<string, unknown> {
  if (!media.mimeType.startsWith('image/')) return { filesize: media.size, sizes: {} };
  return {
    ...(media.width !== null && media.height !== null
      ? { width: media.width, height: media.height }
      : {}),
    file: media.file,
    filesize: media.size,
    sizes: {},
    image_meta: EMPTY_IMAGE_META,
  };
}

/** An attachment as wp/v2/media shows it, in WordPress's key order for the context. */
export function mediaResource(view: MediaView): Record<string, unknown> {
  const { media, siteUrl, context, viewer } = view;
  const api = `${siteUrl}/wp-json/wp/v2`;
  const self = `${api}/media/${media.id}`;
  const links: Record<string, unknown> = {
    self: [{ href: self }],
    collection: [{ href: `${api}/media` }],
    about: [{ href: `${api}/types/attachment` }],
    author: [{ embeddable: true, href: `${api}/users/${media.authorId}` }],
    replies: [{ embeddable: true, href: `${api}/comments?post=${media.id}` }],
  };
  if (context === 'edit') {
    if (typeCan(viewer, 'attachment', 'publish_posts'))
      links['wp:action-publish'] = [{ href: self }];
    if (callerCan(viewer, 'unfiltered_html')) links['wp:action-unfiltered-html'] = [{ href: self }];
    if (typeCan(viewer, 'attachment', 'edit_others_posts'))
      links['wp:action-assign-author'] = [{ href: self }];
  }
  links.curies = CURIES;
  const source = sourceUrl(siteUrl, media);
  const link = `${siteUrl}/?attachment_id=${media.id}`;
  const mediaType = media.mimeType.startsWith('image/') ? 'image' : 'file';
  const caption = autop(media.caption);
  if (context === 'embed') {
    return {
      id: media.id,
      date: formatLocal(media.date, view.timeZone),
      slug: media.slug,
      type: 'attachment',
      link,
      title: { rendered: media.title },
      author: media.authorId,
      caption: { rendered: caption },
      alt_text: media.altText,
      media_type: mediaType,
      mime_type: media.mimeType,
      media_details: mediaDetails(media),
      source_url: source,
      _links: links,
    };
  }
  const edit = context === 'edit';
  return {
    id: media.id,
    date: formatLocal(media.date, view.timeZone),
    date_gmt: formatGmt(media.date),
    guid: edit ? { rendered: source, raw: source } : { rendered: source },
    modified: formatLocal(media.modified, view.timeZone),
    modified_gmt: formatGmt(media.modified),
    slug: media.slug,
    status: 'inherit',
    type: 'attachment',
    link,
    title: edit ? { raw: media.title, rendered: media.title } : { rendered: media.title },
    author: media.authorId,
    comment_status: media.commentStatus,
    ping_status: media.pingStatus,
    template: '',
    meta: [],
    ...(edit
      ? { permalink_template: `${siteUrl}/?attachment_id=${media.id}`, generated_slug: media.slug }
      : {}),
    description: edit
      ? { raw: media.description, rendered: autop(media.description) }
      : { rendered: autop(media.description) },
    caption: edit ? { raw: media.caption, rendered: caption } : { rendered: caption },
    alt_text: media.altText,
    media_type: mediaType,
    mime_type: media.mimeType,
    media_details: mediaDetails(media),
    post: media.postId > 0 ? media.postId : null,
    source_url: source,
    ...(edit ? { missing_image_sizes: [] } : {}),
    _links: links,
  };
}
