import type { User } from '../accounts/index.js';
import { can } from '../accounts/index.js';
import type { Taxonomy } from '../content/index.js';
import { typeCan } from './shapes.js';
import { newStruct, type XmlRpcStruct, type XmlRpcValue } from './values.js';

/**
 * The post types and taxonomies Latchkey has, described as WordPress 6.1 describes its
 * built-in ones to XML-RPC clients (`_prepare_post_type`, `_prepare_taxonomy`). Features
 * Latchkey does not have (comments, revisions, trackbacks, custom fields, a `post_format`
 * taxonomy) are left out of `supports` and `taxonomies`, so clients do not offer them.
 */

export type XmlRpcPostType = 'post' | 'page' | 'attachment';
export const POST_TYPE_NAMES: readonly XmlRpcPostType[] = ['post', 'page', 'attachment'];
export const TAXONOMY_NAMES: readonly Taxonomy[] = ['category', 'post_tag'];

export const isPostTypeName = (name: unknown): name is XmlRpcPostType =>
  typeof name === 'string' && (POST_TYPE_NAMES as readonly string[]).includes(name);

export const isTaxonomyName = (name: unknown): name is Taxonomy =>
  typeof name === 'string' && (TAXONOMY_NAMES as readonly string[]).includes(name);

/** WordPress's default labels: the non-hierarchical (post) and hierarchical (page) wording. */
function postTypeLabels(type: XmlRpcPostType): Record<string, string | null> {
  const page = type === 'page';
  const pick = (forPost: string | null, forPage: string | null) => (page ? forPage : forPost);
  const labels: Record<string, string | null> = {
    name: pick('Posts', 'Pages'),
    singular_name: pick('Post', 'Page'),
    add_new: 'Add New',
    add_new_item: pick('Add New Post', 'Add New Page'),
    edit_item: pick('Edit Post', 'Edit Page'),
    new_item: pick('New Post', 'New Page'),
    view_item: pick('View Post', 'View Page'),
    view_items: pick('View Posts', 'View Pages'),
    search_items: pick('Search Posts', 'Search Pages'),
    not_found: pick('No posts found.', 'No pages found.'),
    not_found_in_trash: pick('No posts found in Trash.', 'No pages found in Trash.'),
    parent_item_colon: pick(null, 'Parent Page:'),
    all_items: pick('All Posts', 'All Pages'),
    archives: pick('Post Archives', 'Page Archives'),
    attributes: pick('Post Attributes', 'Page Attributes'),
    insert_into_item: pick('Insert into post', 'Insert into page'),
    uploaded_to_this_item: pick('Uploaded to this post', 'Uploaded to this page'),
    featured_image: 'Featured image',
    set_featured_image: 'Set featured image',
    remove_featured_image: 'Remove featured image',
    use_featured_image: 'Use as featured image',
    filter_items_list: pick('Filter posts list', 'Filter pages list'),
    filter_by_date: 'Filter by date',
    items_list_navigation: pick('Posts list navigation', 'Pages list navigation'),
    items_list: pick('Posts list', 'Pages list'),
    item_published: pick('Post published.', 'Page published.'),
    item_published_privately: pick('Post published privately.', 'Page published privately.'),
    item_reverted_to_draft: pick('Post reverted to draft.', 'Page reverted to draft.'),
    item_scheduled: pick('Post scheduled.', 'Page scheduled.'),
    item_updated: pick('Post updated.', 'Page updated.'),
    item_link: pick('Post Link', 'Page Link'),
    item_link_description: pick('A link to a post.', 'A link to a page.'),
  };
  if (type === 'attachment') {
    // What WordPress registers for attachments on top of the post wording.
    Object.assign(labels, {
      name: 'Media',
      singular_name: 'Media',
      add_new: 'Add New',
      edit_item: 'Edit Media',
      view_item: 'View Attachment Page',
      attributes: 'Attachment Attributes',
    });
  }
  labels.menu_name = labels.name!;
  labels.name_admin_bar = labels.singular_name!;
  return labels;
}

/** `$post_type->cap`: the primitive capability behind each generic one. */
function postTypeCaps(type: XmlRpcPostType): Record<string, string> {
  const plural = type === 'page' ? 'pages' : 'posts';
  const single = type === 'page' ? 'page' : 'post';
  return {
    edit_post: `edit_${single}`,
    read_post: `read_${single}`,
    delete_post: `delete_${single}`,
    edit_posts: `edit_${plural}`,
    edit_others_posts: `edit_others_${plural}`,
    delete_posts: `delete_${plural}`,
    publish_posts: `publish_${plural}`,
    read_private_posts: `read_private_${plural}`,
    read: 'read',
    delete_private_posts: `delete_private_${plural}`,
    delete_published_posts: `delete_published_${plural}`,
    delete_others_posts: `delete_others_${plural}`,
    edit_private_posts: `edit_private_${plural}`,
    edit_published_posts: `edit_published_${plural}`,
    create_posts: type === 'attachment' ? 'upload_files' : `edit_${plural}`,
  };
}

const SUPPORTS: Record<XmlRpcPostType, string[]> = {
  post: ['title', 'editor', 'author', 'thumbnail', 'excerpt', 'post-formats'],
  page: ['title', 'editor', 'author', 'thumbnail', 'page-attributes'],
  attachment: ['title', 'author'],
};

const MENU: Record<XmlRpcPostType, { position: number; icon: string }> = {
  post: { position: 5, icon: 'dashicons-admin-post' },
  page: { position: 20, icon: 'dashicons-admin-page' },
  attachment: { position: 0, icon: 'dashicons-admin-media' },
};

const struct = (entries: Record<string, XmlRpcValue>): XmlRpcStruct =>
  Object.assign(newStruct(), entries);

/** The properties `wp.getPostTypes`' filter can match on, as `get_post_types` compares them. */
function postTypeProperties(type: XmlRpcPostType): Record<string, XmlRpcValue> {
  return {
    name: type,
    label: postTypeLabels(type).name!,
    hierarchical: type === 'page',
    public: true,
    show_ui: true,
    _builtin: true,
    has_archive: false,
  };
}

/** WordPress's `_prepare_post_type`; `fields` picks `labels`, `cap`, `menu`, `taxonomies`. */
export function postTypeStruct(type: XmlRpcPostType, fields: string[]): XmlRpcStruct {
  const out = struct(postTypeProperties(type));
  out.supports = struct(Object.fromEntries(SUPPORTS[type].map((f) => [f, true])));
  if (fields.includes('labels')) out.labels = struct(postTypeLabels(type));
  if (fields.includes('cap')) {
    out.cap = struct(postTypeCaps(type));
    out.map_meta_cap = true;
  }
  if (fields.includes('menu')) {
    out.menu_position = MENU[type].position;
    out.menu_icon = MENU[type].icon;
    out.show_in_menu = true;
  }
  if (fields.includes('taxonomies'))
    out.taxonomies = type === 'post' ? [...TAXONOMY_NAMES] : ([] as string[]);
  return out;
}

/** `get_post_types($filter)`: every given property must equal the type's. */
export function postTypesMatching(filter: XmlRpcStruct): XmlRpcPostType[] {
  return POST_TYPE_NAMES.filter((type) => matches(postTypeProperties(type), filter));
}

/** Whether the user may edit posts of the type (`$post_type->cap->edit_posts`). */
export const mayEditType = (user: User, type: XmlRpcPostType) => typeCan(user, type, 'edit_posts');

function taxonomyLabels(taxonomy: Taxonomy): Record<string, string | null> {
  const category = taxonomy === 'category';
  const pick = (tag: string | null, cat: string | null) => (category ? cat : tag);
  return {
    name: pick('Tags', 'Categories'),
    singular_name: pick('Tag', 'Category'),
    search_items: pick('Search Tags', 'Search Categories'),
    popular_items: pick('Popular Tags', null),
    all_items: pick('All Tags', 'All Categories'),
    parent_item: pick(null, 'Parent Category'),
    parent_item_colon: pick(null, 'Parent Category:'),
    name_field_description: 'The name is how it appears on your site.',
    slug_field_description:
      'The &#8220;slug&#8221; is the URL-friendly version of the name. It is usually all lowercase and contains only letters, numbers, and hyphens.',
    parent_field_description: pick(
      null,
      'Assign a parent term to create a hierarchy. The term Jazz, for example, would be the parent of Bebop and Big Band.',
    ),
    desc_field_description:
      'The description is not prominent by default; however, some themes may show it.',
    edit_item: pick('Edit Tag', 'Edit Category'),
    view_item: pick('View Tag', 'View Category'),
    update_item: pick('Update Tag', 'Update Category'),
    add_new_item: pick('Add New Tag', 'Add New Category'),
    new_item_name: pick('New Tag Name', 'New Category Name'),
    separate_items_with_commas: pick('Separate tags with commas', null),
    add_or_remove_items: pick('Add or remove tags', null),
    choose_from_most_used: pick('Choose from the most used tags', null),
    not_found: pick('No tags found.', 'No categories found.'),
    no_terms: pick('No tags', 'No categories'),
    filter_by_item: pick(null, 'Filter by category'),
    items_list_navigation: pick('Tags list navigation', 'Categories list navigation'),
    items_list: pick('Tags list', 'Categories list'),
    most_used: 'Most Used',
    back_to_items: pick('&larr; Go to Tags', '&larr; Go to Categories'),
    item_link: pick('Tag Link', 'Category Link'),
    item_link_description: pick('A link to a tag.', 'A link to a category.'),
    menu_name: pick('Tags', 'Categories'),
    name_admin_bar: taxonomy,
  };
}

function taxonomyCaps(taxonomy: Taxonomy): Record<string, string> {
  const noun = taxonomy === 'category' ? 'categories' : 'post_tags';
  return {
    manage_terms: `manage_${noun}`,
    edit_terms: `edit_${noun}`,
    delete_terms: `delete_${noun}`,
    assign_terms: `assign_${noun}`,
  };
}

function taxonomyProperties(taxonomy: Taxonomy): Record<string, XmlRpcValue> {
  return {
    name: taxonomy,
    label: taxonomyLabels(taxonomy).name!,
    hierarchical: taxonomy === 'category',
    public: true,
    show_ui: true,
    _builtin: true,
  };
}

/** WordPress's `_prepare_taxonomy`; `fields` picks `labels`, `cap`, `menu`, `object_type`. */
export function taxonomyStruct(taxonomy: Taxonomy, fields: string[]): XmlRpcStruct {
  const out = struct(taxonomyProperties(taxonomy));
  if (fields.includes('labels')) out.labels = struct(taxonomyLabels(taxonomy));
  if (fields.includes('cap')) out.cap = struct(taxonomyCaps(taxonomy));
  if (fields.includes('menu')) out.show_in_menu = true;
  if (fields.includes('object_type')) out.object_type = ['post'];
  return out;
}

/** `get_taxonomies($filter)`. */
export function taxonomiesMatching(filter: XmlRpcStruct): Taxonomy[] {
  return TAXONOMY_NAMES.filter((t) => matches(taxonomyProperties(t), filter));
}

/** `$taxonomy->cap->assign_terms`: what reading a taxonomy's terms over XML-RPC needs. */
export const mayAssignTerms = (user: User, taxonomy: Taxonomy) =>
  can(user, { capability: 'assign_terms', taxonomy });

/** `wp_filter_object_list` with `and`: a property the object lacks never matches. */
function matches(properties: Record<string, XmlRpcValue>, filter: XmlRpcStruct): boolean {
  return Object.entries(filter).every(([key, wanted]) => {
    if (!Object.hasOwn(properties, key)) return false;
    const actual = properties[key];
    if (typeof actual === 'boolean') return actual === looseBoolean(wanted);
    return String(actual) === String(wanted);
  });
}

/** PHP's `==` between a boolean and what clients send (`true`, `1`, `"1"`, `"true"`…). */
function looseBoolean(value: XmlRpcValue): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value !== '' && value !== '0';
  return value !== null;
}

/** `get_post_format_strings()`. */
export const POST_FORMATS: Readonly<Record<string, string>> = Object.freeze({
  standard: 'Standard',
  aside: 'Aside',
  chat: 'Chat',
  gallery: 'Gallery',
  link: 'Link',
  image: 'Image',
  quote: 'Quote',
  status: 'Status',
  video: 'Video',
  audio: 'Audio',
});

/** `get_post_statuses()` and `get_page_statuses()`. */
export const POST_STATUS_LIST: Readonly<Record<string, string>> = Object.freeze({
  draft: 'Draft',
  pending: 'Pending Review',
  private: 'Private',
  publish: 'Published',
});

export const PAGE_STATUS_LIST: Readonly<Record<string, string>> = Object.freeze({
  draft: 'Draft',
  private: 'Private',
  publish: 'Published',
});

/** `get_comment_statuses()`. */
export const COMMENT_STATUS_LIST: Readonly<Record<string, string>> = Object.freeze({
  hold: 'Unapproved',
  approve: 'Approved',
  spam: 'Spam',
  trash: 'Trash',
});
