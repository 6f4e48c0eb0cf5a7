/** WordPress's five roles, highest first, with their standard primitive capabilities. */
export const ROLE_NAMES = [
  'administrator',
  'editor',
  'author',
  'contributor',
  'subscriber',
] as const;
export type Role = (typeof ROLE_NAMES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  administrator: 'Administrator',
  editor: 'Editor',
  author: 'Author',
  contributor: 'Contributor',
  subscriber: 'Subscriber',
};

const levels = (top: number) => Array.from({ length: top + 1 }, (_, i) => `level_${top - i}`);

const subscriber = ['read', ...levels(0)];
const contributor = ['edit_posts', 'read', ...levels(1), 'delete_posts'];
const author = [
  'upload_files',
  'edit_posts',
  'edit_published_posts',
  'publish_posts',
  'read',
  ...levels(2),
  'delete_posts',
  'delete_published_posts',
];
const editor = [
  'moderate_comments',
  'manage_categories',
  'manage_links',
  'upload_files',
  'unfiltered_html',
  'edit_posts',
  'edit_others_posts',
  'edit_published_posts',
  'publish_posts',
  'edit_pages',
  'read',
  ...levels(7),
  'edit_others_pages',
  'edit_published_pages',
  'publish_pages',
  'delete_pages',
  'delete_others_pages',
  'delete_published_pages',
  'delete_posts',
  'delete_others_posts',
  'delete_published_posts',
  'delete_private_posts',
  'edit_private_posts',
  'read_private_posts',
  'delete_private_pages',
  'edit_private_pages',
  'read_private_pages',
];
const administratorOnly = [
  'switch_themes',
  'edit_themes',
  'activate_plugins',
  'edit_plugins',
  'edit_users',
  'edit_files',
  'manage_options',
  'import',
  'delete_users',
  'create_users',
  'unfiltered_upload',
  'edit_dashboard',
  'update_plugins',
  'delete_plugins',
  'install_plugins',
  'update_themes',
  'install_themes',
  'update_core',
  'list_users',
  'remove_users',
  'promote_users',
  'edit_theme_options',
  'delete_themes',
  'export',
];
const administrator = [
  ...new Set([
    ...editor.filter((c) => !c.startsWith('level_')),
    ...administratorOnly,
    ...levels(10),
  ]),
];

/** Capability lists in WordPress's order, as `capabilities` in the REST user object shows them. */
export const ROLE_CAPABILITIES: Record<Role, readonly string[]> = {
  administrator,
  editor,
  author,
  contributor,
  subscriber,
};

const roleSets: Record<Role, ReadonlySet<string>> = Object.fromEntries(
  ROLE_NAMES.map((r) => [r, new Set(ROLE_CAPABILITIES[r])]),
) as unknown as Record<Role, ReadonlySet<string>>;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLE_NAMES as readonly string[]).includes(value);
}

export function roleHasCapability(role: Role, capability: string): boolean {
  return roleSets[role].has(capability);
}

/** Rank for "no higher than" comparisons: administrator 4 … subscriber 0. */
export function roleRank(role: Role): number {
  return ROLE_NAMES.length - 1 - ROLE_NAMES.indexOf(role);
}
