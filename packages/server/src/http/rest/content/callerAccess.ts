import {
  can,
  postTypeCapability,
  type PostType as CapPostType,
  type User,
} from '../../../accounts/index.js';
import type { PostReader } from '../../../content/index.js';
import { denied } from '../denied.js';
import type { RestRequest } from '../registry.js';

export const forbidden = (req: RestRequest) =>
  denied(req, 'rest_forbidden', 'Sorry, you are not allowed to do that.');

/** `can()` for a request's caller; nobody signed in can do nothing. */
export const callerCan = (
  user: User | undefined,
  capability: Parameters<typeof can>[1],
): user is User => user !== undefined && can(user, capability);

export const typeCan = (
  user: User | undefined,
  type: CapPostType,
  capability: Parameters<typeof postTypeCapability>[1],
) => callerCan(user, postTypeCapability(type, capability));

/** What a caller may read of a post type beyond published posts. */
export function readerOf(user: User | undefined, type: 'post' | 'page'): PostReader {
  return {
    userId: user?.id,
    readPrivate: typeCan(user, type, 'read_private_posts'),
    editOthers: typeCan(user, type, 'edit_others_posts'),
  };
}
