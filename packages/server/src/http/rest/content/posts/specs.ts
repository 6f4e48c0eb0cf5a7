import {
  MAX_DB_INT,
  POST_STATUSES,
  type PostOrderBy,
  type PostType,
} from '../../../../content/index.js';
import type { ArgSpecs } from '../../args.js';
import { CONTEXT_ARG } from '../resourceContext.js';
import { PAGING_ARGS } from '../pagination.js';

/** What a request may set a post's status to (`trash` is for DELETE). */
const WRITABLE_STATUSES = ['publish', 'future', 'draft', 'pending', 'private'] as const;
const FORMATS = [
  'standard',
  'aside',
  'chat',
  'gallery',
  'link',
  'image',
  'quote',
  'status',
  'video',
  'audio',
] as const;

const WRITE_ARGS = {
  date: {
    type: ['string', 'null'],
    format: 'date-time',
    description: "The date the post was published, in the site's timezone.",
  },
  date_gmt: {
    type: ['string', 'null'],
    format: 'date-time',
    description: 'The date the post was published, as GMT.',
  },
  slug: {
    type: 'string',
    description: 'An alphanumeric identifier for the post unique to its type.',
  },
  status: {
    type: 'string',
    enum: WRITABLE_STATUSES,
    description: 'A named status for the post.',
  },
  password: {
    type: 'string',
    maxLength: 255,
    description: 'A password to protect access to the content and excerpt.',
  },
  author: { type: 'integer', description: 'The ID for the author of the post.' },
  featured_media: { type: 'integer', description: 'The ID of the featured media for the post.' },
  comment_status: { type: 'string', enum: ['open', 'closed'] },
  ping_status: { type: 'string', enum: ['open', 'closed'] },
  meta: { type: 'object', description: 'Meta fields.' },
  template: {
    type: 'string',
    enum: [''],
    description: 'The theme file to use to display the post.',
  },
} as const satisfies ArgSpecs;

const POST_WRITE_ARGS = {
  format: { type: 'string', enum: FORMATS, description: 'The format for the post.' },
  sticky: {
    type: 'boolean',
    description: 'Whether or not the post should be treated as sticky.',
  },
  categories: { type: 'array', items: { type: 'integer' } },
  tags: { type: 'array', items: { type: 'integer' } },
} as const satisfies ArgSpecs;

const PAGE_WRITE_ARGS = {
  parent: { type: 'integer', description: 'The ID for the parent of the post.' },
  menu_order: {
    type: 'integer',
    description: 'The order of the post in relation to other posts.',
    minimum: -MAX_DB_INT,
    maximum: MAX_DB_INT,
  },
} as const satisfies ArgSpecs;

/** The shared fields, then the post's or the page's own (absent, so undefined, for the other). */
export function writeArgs(type: PostType) {
  const own: Partial<typeof POST_WRITE_ARGS & typeof PAGE_WRITE_ARGS> =
    type === 'post' ? POST_WRITE_ARGS : PAGE_WRITE_ARGS;
  return { ...WRITE_ARGS, ...own };
}

const POST_ORDERBY = [
  'author',
  'date',
  'id',
  'include',
  'modified',
  'parent',
  'relevance',
  'slug',
  'include_slugs',
  'title',
] as const satisfies readonly PostOrderBy[];
const PAGE_ORDERBY = [...POST_ORDERBY, 'menu_order'] as const satisfies readonly PostOrderBy[];

const POST_LIST_ARGS = {
  categories: { type: 'array', items: { type: 'integer' }, default: [] },
  categories_exclude: { type: 'array', items: { type: 'integer' }, default: [] },
  tags: { type: 'array', items: { type: 'integer' }, default: [] },
  tags_exclude: { type: 'array', items: { type: 'integer' }, default: [] },
  sticky: { type: 'boolean' },
} as const satisfies ArgSpecs;

const PAGE_LIST_ARGS = {
  menu_order: { type: 'integer', minimum: -MAX_DB_INT, maximum: MAX_DB_INT },
  parent: { type: 'array', items: { type: 'integer' }, default: [] },
  parent_exclude: { type: 'array', items: { type: 'integer' }, default: [] },
} as const satisfies ArgSpecs;

/** The list query's arguments: the shared ones, then the post's or the page's own. */
export function listArgs(type: PostType) {
  const own: Partial<typeof POST_LIST_ARGS & typeof PAGE_LIST_ARGS> =
    type === 'post' ? POST_LIST_ARGS : PAGE_LIST_ARGS;
  return {
    ...CONTEXT_ARG,
    ...PAGING_ARGS,
    after: { type: 'string', format: 'date-time' },
    modified_after: { type: 'string', format: 'date-time' },
    before: { type: 'string', format: 'date-time' },
    modified_before: { type: 'string', format: 'date-time' },
    author: { type: 'array', items: { type: 'integer' }, default: [] },
    author_exclude: { type: 'array', items: { type: 'integer' }, default: [] },
    order: { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
    orderby: {
      type: 'string',
      enum: type === 'page' ? PAGE_ORDERBY : POST_ORDERBY,
      default: 'date',
    },
    status: {
      type: 'array',
      items: { type: 'string', enum: [...POST_STATUSES, 'any'] },
      default: ['publish'],
    },
    ...own,
  } as const satisfies ArgSpecs;
}

export const ID_ARG = {
  id: { type: 'integer', description: 'Unique identifier for the post.' },
} satisfies ArgSpecs;
