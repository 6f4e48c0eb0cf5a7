import { HttpError } from '../../errors.js';
import type { ArgSpecs } from '../args.js';
import { callerCan } from '../content/callerAccess.js';
import { collectionHeaders, PAGING_ARGS } from '../content/pagination.js';
import { CONTEXT_ARG, contextOf } from '../content/resourceContext.js';
import { denied } from '../denied.js';
import { restEndpoint, type RestRegistry } from '../registry.js';

/**
 * Latchkey keeps no comments. WordPress clients still ask for them (a post's `replies` link
 * points here), so reading answers like a site without any, and writing says plainly that it
 * cannot be done instead of pretending to store anything.
 */
const unsupported = () =>
  new HttpError(
    501,
    'latchkey_comments_unsupported',
    'Latchkey does not store comments: wp/v2/comments is read-only and always empty.',
  );

/** No comment exists, so every id is unknown; WordPress checks this before anything else. */
const invalidId = () => new HttpError(404, 'rest_comment_invalid_id', 'Invalid comment ID.');

const ids = { type: 'array', items: { type: 'integer' } } as const;

const LIST_ARGS = {
  ...CONTEXT_ARG,
  page: PAGING_ARGS.page,
  per_page: PAGING_ARGS.per_page,
  search: PAGING_ARGS.search,
  after: { type: 'string', format: 'date-time' },
  author: ids,
  author_exclude: ids,
  author_email: { type: 'string', format: 'email' },
  before: { type: 'string', format: 'date-time' },
  exclude: { ...ids, default: [] },
  include: { ...ids, default: [] },
  offset: PAGING_ARGS.offset,
  order: { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
  orderby: {
    type: 'string',
    enum: ['date', 'date_gmt', 'id', 'include', 'post', 'parent', 'type'],
    default: 'date_gmt',
  },
  parent: { ...ids, default: [] },
  parent_exclude: { ...ids, default: [] },
  post: { ...ids, default: [] },
  status: { type: 'string', default: 'approve' },
  type: { type: 'string', default: 'comment' },
  password: { type: 'string' },
} satisfies ArgSpecs;

/** WordPress's write arguments, published in the index; every write answers 501. */
const WRITE_ARGS = {
  author: { type: 'integer', description: 'The ID of the user object, if author was a user.' },
  author_email: { type: 'string', format: 'email' },
  author_ip: { type: 'string' },
  author_name: { type: 'string' },
  author_url: { type: 'string', format: 'uri' },
  author_user_agent: { type: 'string' },
  date: { type: 'string', format: 'date-time' },
  date_gmt: { type: 'string', format: 'date-time' },
  parent: { type: 'integer' },
  post: { type: 'integer' },
  status: { type: 'string' },
  meta: { type: 'object' },
} satisfies ArgSpecs;

const ID_ARG = {
  id: { type: 'integer', description: 'Unique identifier for the comment.' },
} satisfies ArgSpecs;

export function registerCommentRoutes(registry: RestRegistry): void {
  registry.register({
    namespace: 'wp/v2',
    // Comments are content (SPEC §5), though there are none to read.
    tier: 'content',
    route: '/comments',
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: LIST_ARGS,
        permission: (req) =>
          contextOf(req) !== 'edit' || callerCan(req.auth.user, 'moderate_comments')
            ? true
            : denied(req, 'rest_forbidden_context', 'Sorry, you are not allowed to edit comments.'),
        handler: (req) => ({
          body: [],
          headers: collectionHeaders(req, 'wp/v2/comments', req.args.page, req.args.per_page, 0),
        }),
      }),
      {
        methods: ['POST'],
        args: WRITE_ARGS,
        handler: () => {
          throw unsupported();
        },
      },
    ],
  });

  registry.register({
    namespace: 'wp/v2',
    tier: 'content',
    route: '/comments/(?P<id>[\\d]+)',
    endpoints: [
      {
        methods: ['GET'],
        args: { ...ID_ARG, ...CONTEXT_ARG, password: { type: 'string' } },
        handler: () => {
          throw invalidId();
        },
      },
      {
        methods: ['POST', 'PUT', 'PATCH'],
        args: { ...ID_ARG, ...WRITE_ARGS },
        // SPEC §9: every write says plainly that comments are not supported.
        handler: () => {
          throw unsupported();
        },
      },
      {
        methods: ['DELETE'],
        args: {
          ...ID_ARG,
          force: { type: 'boolean', default: false },
          password: { type: 'string' },
        },
        handler: () => {
          throw unsupported();
        },
      },
    ],
  });
}
