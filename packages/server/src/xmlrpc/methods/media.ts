import { can, type User } from '../../accounts/index.js';
import {
  ContentError,
  createMedia,
  findMedia,
  listMedia,
  uploadsDirectory,
  type Media,
} from '../../content/index.js';
import type { AppContext } from '../../context.js';
import { invalidParams, notFound, notPermitted, XmlRpcFault } from '../faults.js';
import {
  BLOG_USER_PASS,
  intParam,
  memberInt,
  memberString,
  structParam,
  type AuthenticatedCall,
  type MethodTable,
} from '../method.js';
import { canEditPost, mediaReaderOf, mediaStruct, postRef } from '../shapes.js';
import type { XmlRpcValue } from '../values.js';
import { loadPost, shapeContext } from './posts.js';

/** Attached media is as visible as its post, as over REST; unattached media to everyone. */
export async function canReadMedia(ctx: AppContext, user: User, media: Media): Promise<boolean> {
  if (media.postId === 0) return true;
  const parent = await loadPost(ctx, media.postId);
  return (
    !parent ||
    parent.status === 'publish' ||
    can(user, { capability: 'read_post', post: postRef(parent) })
  );
}

/** The most `wp.getMediaLibrary` answers at once when no `number` is given. */
const LIBRARY_LIMIT = 10_000;

/**
 * `metaWeblog.newMediaObject` / `wp.uploadFile`: `{name, type, bits, overwrite, post_id}`.
 * The reply is WordPress's media item plus the old `id`, `file` and `url` members; `url`
 * serves the file.
 */
async function upload(call: AuthenticatedCall): Promise<XmlRpcValue> {
  const { ctx, principal } = call;
  const data = structParam(call, 3, 'data');
  const name = memberString(data, 'name');
  const bits = data.bits;
  if (!name) throw invalidParams('The data struct needs a name.');
  const bytes = Buffer.isBuffer(bits)
    ? bits
    : typeof bits === 'string'
      ? Buffer.from(bits, 'utf8')
      : undefined;
  if (!bytes) throw invalidParams('The data struct needs bits (base64).');
  if (!can(principal.user, 'upload_files'))
    throw notPermitted('Sorry, you are not allowed to upload files.');
  const postId = memberInt(data, 'post_id') ?? 0;
  if (postId > 0) {
    const post = await loadPost(ctx, postId);
    if (!post || !canEditPost(principal.user, post))
      throw notPermitted('Sorry, you are not allowed to edit this post.');
  }
  try {
    const media = await createMedia(
      ctx.db,
      uploadsDirectory(ctx.config.dataDir),
      { authorId: principal.user.id, postId, fileName: name.replaceAll('\u0000', ''), bytes },
      ctx.now(),
    );
    const struct = mediaStruct(media, await shapeContext(ctx));
    struct.id = struct.attachment_id!;
    struct.file = struct.title!;
    struct.url = struct.link!;
    return struct;
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    throw new XmlRpcFault(500, `Could not write file ${name} (${error.message})`);
  }
}

export const mediaMethods: MethodTable = {
  'wp.getMediaItem': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const { ctx, principal } = call;
      const id = intParam(call, 3, 'attachment_id');
      if (!can(principal.user, 'upload_files'))
        throw new XmlRpcFault(403, 'Sorry, you are not allowed to upload files.');
      const media = await findMedia(ctx.db, id);
      if (!media || !(await canReadMedia(ctx, principal.user, media)))
        throw notFound('Invalid attachment ID.');
      return mediaStruct(media, await shapeContext(ctx));
    },
  },
  'wp.getMediaLibrary': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      const { ctx, principal } = call;
      const filter = structParam(call, 3, 'filter');
      if (!can(principal.user, 'upload_files'))
        throw notPermitted('Sorry, you are not allowed to upload files.');
      const parent = memberInt(filter, 'parent_id');
      const mime = memberString(filter, 'mime_type') ?? '';
      const number = memberInt(filter, 'number');
      // WordPress's default is every item (`numberposts` -1), newest first.
      const perPage =
        number === undefined || number === 0
          ? LIBRARY_LIMIT
          : Math.min(Math.abs(number), LIBRARY_LIMIT);
      const { media } = await listMedia(ctx.db, {
        reader: mediaReaderOf(principal.user),
        page: 1,
        perPage,
        offset: Math.abs(memberInt(filter, 'offset') ?? 0),
        ...(parent !== undefined ? { parents: [Math.abs(parent)] } : {}),
        ...(mime.includes('/') ? { mimeType: mime } : mime !== '' ? { mediaType: mime } : {}),
        orderBy: 'date',
        order: 'desc',
      });
      const s = await shapeContext(ctx);
      return media.map((m) => mediaStruct(m, s));
    },
  },
  'metaWeblog.newMediaObject': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: upload,
  },
  'wp.uploadFile': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: upload,
  },
};
