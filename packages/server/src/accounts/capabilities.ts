import { roleHasCapability, type Role } from './roles.js';

/** The acting principal as capability checks see it. */
export interface Actor {
  id: number;
  role: Role;
  disabled: boolean;
}

/** The content types whose capabilities follow WordPress's `post` and `page` capability types. */
export type PostType = 'post' | 'page' | 'attachment';

/** What the post meta capabilities need to know about a post. */
export interface PostRef {
  authorId: number;
  status: string;
  type: PostType;
  /** For a trashed post, its status before it went to the trash. */
  trashedFrom?: string | undefined;
}

export type Taxonomy = 'category' | 'post_tag';

/** What the term meta capabilities need to know about a term. */
export interface TermRef {
  taxonomy: Taxonomy;
  /** The site's default category can never be deleted. */
  isDefault: boolean;
}

export interface UserRef {
  id: number;
  role: Role;
}

export type MetaCapabilityArgs =
  | { capability: 'edit_post' | 'delete_post' | 'publish_post' | 'read_post'; post: PostRef }
  | { capability: 'edit_term' | 'delete_term' | 'assign_term'; term: TermRef }
  | {
      capability: 'manage_terms' | 'edit_terms' | 'delete_terms' | 'assign_terms';
      taxonomy: Taxonomy;
    }
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
    case 'delete_term':
      if (args.term.isDefault) return [DO_NOT_ALLOW];
      return taxonomyCapability('delete_terms');
    case 'edit_term':
      return taxonomyCapability('edit_terms');
    case 'assign_term':
      return taxonomyCapability('assign_terms');
    case 'manage_terms':
    case 'edit_terms':
    case 'delete_terms':
    case 'assign_terms':
      return taxonomyCapability(args.capability);
  }
}

/**
 * Categories and tags share WordPress's mapping: managing, editing and deleting terms need
 * `manage_categories`; assigning them to a post needs `edit_posts`.
 */
function taxonomyCapability(
  capability: 'manage_terms' | 'edit_terms' | 'delete_terms' | 'assign_terms',
): string[] {
  return capability === 'assign_terms' ? ['edit_posts'] : ['manage_categories'];
}

/** WordPress's generic post capabilities, which each post type maps to its own. */
export type GenericPostCapability =
  | 'create_posts'
  | 'edit_posts'
  | 'edit_others_posts'
  | 'edit_published_posts'
  | 'publish_posts'
  | 'read_private_posts'
  | 'delete_posts'
  | 'delete_others_posts';

/**
 * The primitive capability a post type uses for one of WordPress's generic post capabilities
 * (its `$post_type->cap->…`): pages have their own, attachments use the post ones except that
 * creating them means uploading.
 */
export function postTypeCapability(type: PostType, capability: GenericPostCapability): string {
  if (type === 'page') return capability.replace(/posts$/, 'pages').replace('create_', 'edit_');
  if (type === 'attachment' && capability === 'create_posts') return 'upload_files';
  return capability === 'create_posts' ? 'edit_posts' : capability;
}

/** Scheduled posts count as published for editing and deleting, as in WordPress. */
const PUBLISHED = new Set(['publish', 'future']);

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
    // One's own private post needs no private capability; a trashed one is judged by the status
    // it had before the trash.
    const status = post.status === 'trash' ? (post.trashedFrom ?? 'draft') : post.status;
    caps.push(PUBLISHED.has(status) ? `${verb}_published_${plural}` : `${verb}_${plural}`);
    return caps;
  }
  caps.push(`${verb}_others_${plural}`);
  if (PUBLISHED.has(post.status)) caps.push(`${verb}_published_${plural}`);
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
