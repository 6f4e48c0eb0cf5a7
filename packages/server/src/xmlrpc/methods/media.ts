import { can } from '../../accounts/index.js';
import { ContentError, createMedia, uploadsDirectory } from '../../content/index.js';
import { invalidParams, notPermitted, XmlRpcFault } from '../faults.js';
import {
  BLOG_USER_PASS,
  memberInt,
  memberString,
  structParam,
  type AuthenticatedCall,
  type MethodTable,
} from '../method.js';
import { canEditPost, mediaStruct } from '../shapes.js';
import type { XmlRpcValue } from '../values.js';
import { loadPost, shapeContext } from './posts.js';

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
