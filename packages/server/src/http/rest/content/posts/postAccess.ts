import type { PostRef, User } from '../../../../accounts/index.js';
import {
  existingTermIds,
  type Post,
  type PostStatus,
  type PostType,
} from '../../../../content/index.js';
import type { AppContext } from '../../../../context.js';
import { HttpError } from '../../../errors.js';
import type { RestRequest } from '../../registry.js';
import { bracketArrayArgs, intList, stringList } from '../argReaders.js';
import { callerCan, typeCan } from '../callerAccess.js';
import { contextOf } from '../resourceContext.js';
import { denied } from '../../denied.js';
import { listArgs, writeArgs } from './specs.js';

export const postRef = (post: Post): PostRef => ({
  authorId: post.authorId,
  status: post.status,
  type: post.type,
  trashedFrom: post.trashedFrom ?? undefined,
});

/** WordPress's check_read_permission for posts and pages. */
export function canReadPost(user: User | undefined, post: Post): boolean {
  return (
    post.status === 'publish' || callerCan(user, { capability: 'read_post', post: postRef(post) })
  );
}

export const invalidId = () => new HttpError(404, 'rest_post_invalid_id', 'Invalid post ID.');

/** The list's check: every status asked for, and the edit context, must be readable. */
export function listPermission(req: RestRequest, type: PostType): true | HttpError {
  bracketArrayArgs(req, listArgs(type));
  const user = req.auth.user;
  const statuses = stringList(req.args.status) ?? ['publish'];
  for (const status of statuses) {
    if (status === 'publish') continue;
    const ok =
      typeCan(user, type, 'edit_posts') ||
      (status === 'private' && typeCan(user, type, 'read_private_posts'));
    if (!ok) return denied(req, 'rest_forbidden_status', 'Status is forbidden.');
  }
  if (contextOf(req) === 'edit' && !typeCan(user, type, 'edit_posts'))
    return denied(
      req,
      'rest_forbidden_context',
      'Sorry, you are not allowed to edit posts in this post type.',
    );
  return true;
}

/** WordPress's check_assign_terms_permission: every existing term given must be assignable. */
export async function mayAssignTerms(
  ctx: AppContext,
  req: RestRequest,
  type: PostType,
): Promise<boolean> {
  if (type !== 'post') return true;
  for (const [arg, taxonomy] of [
    ['categories', 'category'],
    ['tags', 'post_tag'],
  ] as const) {
    const ids = intList(req.args[arg]);
    if (!ids) continue;
    for (const id of await existingTermIds(ctx.db, taxonomy, ids)) {
      const term = { taxonomy, isDefault: taxonomy === 'category' && id === 1 };
      if (!callerCan(req.auth.user, { capability: 'assign_term', term })) return false;
    }
  }
  return true;
}

export const cannotAssignTerms = (req: RestRequest) =>
  denied(
    req,
    'rest_cannot_assign_term',
    'Sorry, you are not allowed to assign the provided terms.',
  );

/** The checks create and update share, after the post-specific one. */
export function writePermission(
  req: RestRequest,
  type: PostType,
  verb: 'create' | 'update',
): true | HttpError {
  bracketArrayArgs(req, writeArgs(type));
  const user = req.auth.user;
  const author = req.args.author;
  if (
    author !== undefined &&
    Number(author) !== user?.id &&
    !typeCan(user, type, 'edit_others_posts')
  )
    return denied(
      req,
      'rest_cannot_edit_others',
      `Sorry, you are not allowed to ${verb} posts as this user.`,
    );
  if (
    type === 'post' &&
    req.args.sticky === true &&
    !typeCan(user, type, 'edit_others_posts') &&
    !typeCan(user, type, 'publish_posts')
  )
    return denied(
      req,
      'rest_cannot_assign_sticky',
      'Sorry, you are not allowed to make posts sticky.',
    );
  return true;
}

/** Drafts and pending posts are anyone's who may write; other statuses need publish_posts. */
export function assertStatusAllowed(req: RestRequest, type: PostType, status: PostStatus): void {
  if (status === 'draft' || status === 'pending') return;
  if (typeCan(req.auth.user, type, 'publish_posts')) return;
  throw denied(
    req,
    'rest_cannot_publish',
    status === 'private'
      ? 'Sorry, you are not allowed to create private posts in this post type.'
      : 'Sorry, you are not allowed to publish posts in this post type.',
  );
}
