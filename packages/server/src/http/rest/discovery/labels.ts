/**
 * The `labels` objects WordPress 6.1 publishes for post types and taxonomies in the edit
 * context, built from the nouns (WordPress's default label sets, in its key order). Clients such
 * as the block editor show these strings, so they follow WordPress's wording exactly.
 */

export type Labels = Record<string, string | null>;

interface Nouns {
  singular: string;
  plural: string;
  hierarchical: boolean;
}

const lower = (s: string) => s.toLowerCase();

export function postTypeLabels({ singular: S, plural: P, hierarchical }: Nouns): Labels {
  const s = lower(S);
  const p = lower(P);
  return {
    name: P,
    singular_name: S,
    add_new: 'Add New',
    add_new_item: `Add New ${S}`,
    edit_item: `Edit ${S}`,
    new_item: `New ${S}`,
    view_item: `View ${S}`,
    view_items: `View ${P}`,
    search_items: `Search ${P}`,
    not_found: `No ${p} found.`,
    not_found_in_trash: `No ${p} found in Trash.`,
    parent_item_colon: hierarchical ? `Parent ${S}:` : null,
    all_items: `All ${P}`,
    archives: `${S} Archives`,
    attributes: `${S} Attributes`,
    insert_into_item: `Insert into ${s}`,
    uploaded_to_this_item: `Uploaded to this ${s}`,
    featured_image: 'Featured image',
    set_featured_image: 'Set featured image',
    remove_featured_image: 'Remove featured image',
    use_featured_image: 'Use as featured image',
    filter_items_list: `Filter ${p} list`,
    filter_by_date: 'Filter by date',
    items_list_navigation: `${P} list navigation`,
    items_list: `${P} list`,
    item_published: `${S} published.`,
    item_published_privately: `${S} published privately.`,
    item_reverted_to_draft: `${S} reverted to draft.`,
    item_scheduled: `${S} scheduled.`,
    item_updated: `${S} updated.`,
    item_link: `${S} Link`,
    item_link_description: `A link to a ${s}.`,
    menu_name: P,
    name_admin_bar: S,
  };
}

/** Attachments start from the post labels and rename what concerns media (as WordPress registers them). */
export function attachmentLabels(): Labels {
  return {
    ...postTypeLabels({ singular: 'Post', plural: 'Posts', hierarchical: false }),
    name: 'Media',
    singular_name: 'Media',
    edit_item: 'Edit Media',
    view_item: 'View Attachment Page',
    all_items: 'Media',
    archives: 'Media',
    attributes: 'Attachment Attributes',
    menu_name: 'Media',
    name_admin_bar: 'Media',
  };
}

const NAME_FIELD = 'The name is how it appears on your site.';
const SLUG_FIELD =
  'The &#8220;slug&#8221; is the URL-friendly version of the name. It is usually all lowercase and contains only letters, numbers, and hyphens.';
const PARENT_FIELD =
  'Assign a parent term to create a hierarchy. The term Jazz, for example, would be the parent of Bebop and Big Band.';
const DESCRIPTION_FIELD =
  'The description is not prominent by default; however, some themes may show it.';

/**
 * `slug` is the taxonomy's name: WordPress fills `name_admin_bar` with it when a taxonomy
 * gives no singular name of its own, which the built-in ones do not.
 */
export function taxonomyLabels({
  singular: S,
  plural: P,
  hierarchical,
  slug,
}: Nouns & { slug: string }): Labels {
  const s = lower(S);
  const p = lower(P);
  const flat = (value: string) => (hierarchical ? null : value);
  const tree = (value: string) => (hierarchical ? value : null);
  return {
    name: P,
    singular_name: S,
    search_items: `Search ${P}`,
    popular_items: flat(`Popular ${P}`),
    all_items: `All ${P}`,
    parent_item: tree(`Parent ${S}`),
    parent_item_colon: tree(`Parent ${S}:`),
    name_field_description: NAME_FIELD,
    slug_field_description: SLUG_FIELD,
    parent_field_description: tree(PARENT_FIELD),
    desc_field_description: DESCRIPTION_FIELD,
    edit_item: `Edit ${S}`,
    view_item: `View ${S}`,
    update_item: `Update ${S}`,
    add_new_item: `Add New ${S}`,
    new_item_name: `New ${S} Name`,
    separate_items_with_commas: flat(`Separate ${p} with commas`),
    add_or_remove_items: flat(`Add or remove ${p}`),
    choose_from_most_used: flat(`Choose from the most used ${p}`),
    not_found: `No ${p} found.`,
    no_terms: `No ${p}`,
    filter_by_item: tree(`Filter by ${s}`),
    items_list_navigation: `${P} list navigation`,
    items_list: `${P} list`,
    most_used: 'Most Used',
    back_to_items: `&larr; Go to ${P}`,
    item_link: `${S} Link`,
    item_link_description: `A link to a ${s}.`,
    menu_name: P,
    name_admin_bar: slug,
  };
}
