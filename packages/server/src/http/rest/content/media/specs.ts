import type { ArgSpecs } from '../../args.js';
import { PAGING_ARGS } from '../pagination.js';
import { CONTEXT_ARG } from '../resourceContext.js';

/** What a media upload or update may set. */
export const WRITE_SPECS = {
  date: { type: ['string', 'null'], format: 'date-time' },
  date_gmt: { type: ['string', 'null'], format: 'date-time' },
  slug: { type: 'string' },
  status: { type: 'string', enum: ['publish', 'future', 'draft', 'pending', 'private'] },
  author: { type: 'integer' },
  comment_status: { type: 'string', enum: ['open', 'closed'] },
  ping_status: { type: 'string', enum: ['open', 'closed'] },
  meta: { type: 'object' },
  template: { type: 'string', enum: [''] },
  alt_text: {
    type: 'string',
    description: 'Alternative text to display when attachment is not displayed.',
  },
  post: { type: 'integer', description: 'The ID for the associated post of the attachment.' },
} as const satisfies ArgSpecs;

export const LIST_SPECS = {
  ...CONTEXT_ARG,
  ...PAGING_ARGS,
  after: { type: 'string', format: 'date-time' },
  before: { type: 'string', format: 'date-time' },
  author: { type: 'array', items: { type: 'integer' }, default: [] },
  author_exclude: { type: 'array', items: { type: 'integer' }, default: [] },
  order: { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
  orderby: {
    type: 'string',
    enum: [
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
    ],
    default: 'date',
  },
  parent: { type: 'array', items: { type: 'integer' }, default: [] },
  parent_exclude: { type: 'array', items: { type: 'integer' }, default: [] },
  status: {
    type: 'array',
    items: { type: 'string', enum: ['inherit', 'private', 'trash'] },
    default: ['inherit'],
  },
  media_type: { type: 'string', enum: ['image', 'video', 'text', 'application', 'audio'] },
  mime_type: { type: 'string' },
} as const satisfies ArgSpecs;

export const ID_ARG = {
  id: { type: 'integer', description: 'Unique identifier for the attachment.' },
} satisfies ArgSpecs;
