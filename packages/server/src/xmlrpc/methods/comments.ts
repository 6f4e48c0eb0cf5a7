import { can } from '../../accounts/index.js';
import { commentsUnsupported, notFound, notPermitted, XmlRpcFault } from '../faults.js';
import {
  BLOG_USER_PASS,
  intParam,
  memberString,
  structParam,
  type AuthenticatedMethod,
  type MethodTable,
} from '../method.js';
import { COMMENT_STATUS_LIST } from '../postTypes.js';
import { canEditPost } from '../shapes.js';
import { newStruct } from '../values.js';
import { loadPost } from './posts.js';

/** A comment write: the credentials are checked, then the fault says comments do not exist. */
const refusedWrite = (minArgs: number): AuthenticatedMethod => ({
  tier: 'content',
  credentials: BLOG_USER_PASS,
  minArgs,
  handler: async () => {
    throw commentsUnsupported();
  },
});

/**
 * Latchkey has no comments [ours]. The reads answer as a WordPress site without any comment
 * (with WordPress's capability checks), the writes with fault 405 "Comments are not supported.".
 */
export const commentMethods: MethodTable = {
  'wp.getComments': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      const filter = structParam(call, 3, 'filter');
      const status = memberString(filter, 'status') ?? '';
      if (!can(call.principal.user, 'moderate_comments') && status !== 'approve')
        throw notPermitted('Invalid comment status.');
      return [];
    },
  },
  'wp.getComment': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      intParam(call, 3, 'comment_id');
      throw notFound('Invalid comment ID.');
    },
  },
  'wp.getCommentCount': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 4,
    handler: async (call) => {
      const post = await loadPost(call.ctx, intParam(call, 3, 'post_id'));
      if (!post) throw notFound('Invalid post ID.');
      if (!canEditPost(call.principal.user, post))
        throw new XmlRpcFault(403, 'Sorry, you are not allowed to access details of this post.');
      return Object.assign(newStruct(), {
        approved: 0,
        awaiting_moderation: 0,
        spam: 0,
        total_comments: 0,
      });
    },
  },
  'wp.getCommentStatusList': {
    tier: 'content',
    credentials: BLOG_USER_PASS,
    minArgs: 3,
    handler: async (call) => {
      if (!can(call.principal.user, 'publish_posts'))
        throw new XmlRpcFault(403, 'Sorry, you are not allowed to access details about this site.');
      return Object.assign(newStruct(), COMMENT_STATUS_LIST);
    },
  },
  'wp.newComment': refusedWrite(5),
  'wp.editComment': refusedWrite(5),
  'wp.deleteComment': refusedWrite(4),
};
