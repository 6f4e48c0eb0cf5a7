import { roleHasCapability, type Role } from './roles.js';

/** The acting principal as capability checks see it. */
export interface Actor {
  id: number;
  role: Role;
  disabled: boolean;
}

/** What the post meta capabilities need to know about a post. */
export interface PostRef {
  authorId: number;
  status: string;
  type: 'post' | 'page';
}

export interface UserRef {
  id: number;
  role: Role;
}

export type MetaCapabilityArgs =
  | { capability: 'edit_post' | 'delete_post' | 'publish_post' | 'read_post'; post: PostRef }
  | {
      capability:
        | 'edit_user'
        | 'delete_user'
        | 'promote_user'
        | 'create_app_password'
        | 'list_app_passwords'
        | 'read_app_password'
        | 'edit_app_password'
        | 'delete_app_password'
        | 'delete_app_passwords';
      user: UserRef;
    };

const DO_NOT_ALLOW = 'do_not_allow';

/**
 * Maps a meta capability on a given object to the primitive capabilities it requires
 * (WordPress's map_meta_cap idea). Pure: the caller loads the objects.
 */
export function mapMetaCapability(actor: Actor, args: MetaCapabilityArgs): string[] {
  switch (args.capability) {
    case 'edit_user':
    case 'create_app_password':
    case 'list_app_passwords':
    case 'read_app_password':
    case 'edit_app_password':
    case 'delete_app_password':
    case 'delete_app_passwords':
      if (args.user.id === actor.id) return [];
      // Only an administrator may edit an administrator.
      if (args.user.role === 'administrator' && actor.role !== 'administrator')
        return [DO_NOT_ALLOW];
      return ['edit_users'];
    case 'delete_user':
      if (args.user.role === 'administrator' && actor.role !== 'administrator')
        return [DO_NOT_ALLOW];
      return ['delete_users'];
    case 'promote_user':
      return args.user.id === actor.id ? [DO_NOT_ALLOW] : ['promote_users'];
    case 'read_post':
      return mapReadPost(actor, args.post);
    case 'publish_post':
      return [args.post.type === 'page' ? 'publish_pages' : 'publish_posts'];
    case 'edit_post':
    case 'delete_post':
      return mapEditOrDeletePost(
        actor,
        args.post,
        args.capability === 'edit_post' ? 'edit' : 'delete',
      );
  }
}

function mapReadPost(actor: Actor, post: PostRef): string[] {
  if (post.status === 'publish') return ['read'];
  const plural = post.type === 'page' ? 'pages' : 'posts';
  if (post.authorId === actor.id) return ['read'];
  if (post.status === 'private') return [`read_private_${plural}`];
  return [`edit_others_${plural}`];
}

function mapEditOrDeletePost(actor: Actor, post: PostRef, verb: 'edit' | 'delete'): string[] {
  const plural = post.type === 'page' ? 'pages' : 'posts';
  const caps: string[] = [];
  if (post.authorId === actor.id) {
    caps.push(post.status === 'publish' ? `${verb}_published_${plural}` : `${verb}_${plural}`);
    if (post.status === 'private') caps.push(`${verb}_private_${plural}`);
    return caps;
  }
  caps.push(`${verb}_others_${plural}`);
  if (post.status === 'publish') caps.push(`${verb}_published_${plural}`);
  if (post.status === 'private') caps.push(`${verb}_private_${plural}`);
  return caps;
}

/** A disabled account can do nothing at all. */
export function can(actor: Actor, capability: string | MetaCapabilityArgs): boolean {
  if (actor.disabled) return false;
  const required =
    typeof capability === 'string' ? [capability] : mapMetaCapability(actor, capability);
  return required.every((c) => c !== DO_NOT_ALLOW && roleHasCapability(actor.role, c));
}
