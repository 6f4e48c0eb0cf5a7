import { createHash } from 'node:crypto';
import type {} from '@fastify/multipart';
import { findUserById, type PostRef, type User } from '../../../accounts/index.js';
import {
  ContentError,
  createMedia,
  deleteMedia,
  findMedia,
  findPost,
  htmlToText,
  isDbId,
  listMedia,
  sanitizePostHtml,
  sanitizeTitleHtml,
  updateMedia,
  uploadsDirectory,
  type Media,
  type MediaChanges,
  type Post,
} from '../../../content/index.js';
import { readSettings } from '../../../settings/index.js';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import { validateArgs, type ArgSpecs } from '../args.js';
import { restEndpoint, signedIn, type RestRegistry, type RestRequest } from '../registry.js';
import {
  bracketArrayArgs,
  dateArg,
  idOf,
  intList,
  stringArg,
  stringList,
  textArg,
  withoutNul,
} from './argReaders.js';
import { callerCan, forbidden, readerOf, typeCan } from './callerAccess.js';
import { collectionHeaders, PAGING_ARGS } from './pagination.js';
import { CONTEXT_ARG, contextOf, type Context } from './resourceContext.js';
import { denied } from '../denied.js';
import { perRequest } from './perRequest.js';
import { mediaResource } from './mediaShape.js';
import { canReadPost } from './posts.js';

const mediaRef = (media: Media): PostRef => ({
  authorId: media.authorId,
  status: 'inherit',
  type: 'attachment',
});

const invalidId = () => new HttpError(404, 'rest_post_invalid_id', 'Invalid post ID.');

const WRITE_SPECS = {
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

/**
 * The file name from `Content-Disposition` (WordPress's get_filename_from_disposition), with
 * RFC 5987's `filename*=UTF-8''…` preferred when present.
 */
export function fileNameFromDisposition(header: string | undefined): string | undefined {
  if (!header || !header.includes(';')) return undefined;
  const params = new Map<string, string>();
  for (const part of header.slice(header.indexOf(';') + 1).split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const extended = /^utf-8''(.+)$/i.exec(params.get('filename*') ?? '');
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!);
    } catch {
      // Fall back to the plain parameter.
    }
  }
  let name = params.get('filename')?.trim();
  if (!name) return undefined;
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1);
  return name || undefined;
}

interface Upload {
  fileName: string;
  bytes: Buffer;
  via: 'multipart' | 'raw';
}

function checkMd5(req: RestRequest, bytes: Buffer): void {
  const expected = req.raw.headers['content-md5'];
  if (typeof expected !== 'string' || expected.trim() === '') return;
  if (createHash('md5').update(bytes).digest('hex') !== expected.trim().toLowerCase())
    throw new HttpError(412, 'rest_upload_hash_mismatch', 'Content hash did not match expected.');
}

const noData = () => new HttpError(400, 'rest_upload_no_data', 'No data supplied.');

/**
 * The uploaded file: from a multipart body (its other fields join the arguments) or from a raw
 * body named by `Content-Disposition`, in WordPress's order of checks.
 */
async function readUpload(req: RestRequest): Promise<Upload> {
  const request = req.raw;
  if (request.isMultipart()) {
    const fields: Record<string, string> = {};
    let file: { fileName: string; bytes: Buffer } | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          const bytes = await part.toBuffer();
          file ??= { fileName: part.filename, bytes };
        } else if (typeof part.value === 'string') {
          fields[part.fieldname] = part.value;
        }
      }
    } catch (error) {
      // Limits (413) keep their status; a body that is not a well-formed form holds no file.
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== undefined && status >= 400 && status < 500) throw error;
      throw noData();
    }
    Object.assign(req.args, validateArgs(WRITE_SPECS, fields));
    if (!file || file.bytes.length === 0) throw noData();
    checkMd5(req, file.bytes);
    return { ...file, via: 'multipart' };
  }
  const body: unknown = request.body;
  const bytes = Buffer.isBuffer(body)
    ? body
    : typeof body === 'string'
      ? Buffer.from(body, 'utf8')
      : body && typeof body === 'object' && Object.keys(body).length > 0
        ? Buffer.from(JSON.stringify(body))
        : Buffer.alloc(0);
  if (bytes.length === 0) throw noData();
  if (!request.headers['content-type'])
    throw new HttpError(400, 'rest_upload_no_content_type', 'No Content-Type supplied.');
  const disposition = request.headers['content-disposition'];
  if (!disposition)
    throw new HttpError(
      400,
      'rest_upload_no_content_disposition',
      'No Content-Disposition supplied.',
    );
  const fileName = fileNameFromDisposition(disposition);
  if (!fileName)
    throw new HttpError(
      400,
      'rest_upload_invalid_disposition',
      'Invalid Content-Disposition supplied. Content-Disposition needs to be formatted as `attachment; filename="image.png"` or similar.',
    );
  checkMd5(req, bytes);
  // A body the server parsed (JSON, a form) is not a file it can store byte for byte.
  if (!Buffer.isBuffer(body) && typeof body !== 'string')
    throw new ContentError(
      'file_type_refused',
      'Sorry, you are not allowed to upload this file type.',
    );
  return { fileName, bytes, via: 'raw' };
}

export function registerMediaRoutes(ctx: AppContext, registry: RestRegistry): void {
  const site = ctx.config.siteUrl;
  const uploadsDir = uploadsDirectory(ctx.config.dataDir);
  const loadMedia = perRequest((id) => findMedia(ctx.db, id));
  const loadPost = perRequest((id) => findPost(ctx.db, id));

  const resource = async (req: RestRequest, media: Media, context: Context) => {
    const { timezone } = await readSettings(ctx.db);
    return mediaResource({
      siteUrl: site,
      media,
      context,
      timeZone: timezone,
      viewer: req.auth.user,
    });
  };

  /** Attached media is as readable as its post; unattached media is public. */
  const canRead = async (req: RestRequest, media: Media) => {
    if (media.postId === 0) return true;
    const parent = await loadPost(req, media.postId);
    return !parent || canReadPost(req.auth.user, parent);
  };

  /** Attaching media to a post requires the right to edit that post. */
  const parentProblem = async (req: RestRequest): Promise<HttpError | undefined> => {
    if (req.args.post === undefined || req.args.post === 0 || req.args.post === null)
      return undefined;
    const parent: Post | undefined = await loadPost(req, Number(req.args.post));
    const ref = parent && { authorId: parent.authorId, status: parent.status, type: parent.type };
    if (!ref || !callerCan(req.auth.user, { capability: 'edit_post', post: ref }))
      return denied(
        req,
        'rest_cannot_edit',
        'Sorry, you are not allowed to upload media to this post.',
      );
    return undefined;
  };

  const authorProblem = (req: RestRequest, verb: 'create' | 'update') => {
    const user = req.auth.user;
    if (
      req.args.author !== undefined &&
      Number(req.args.author) !== user?.id &&
      !typeCan(user, 'attachment', 'edit_others_posts')
    )
      return denied(
        req,
        'rest_cannot_edit_others',
        `Sorry, you are not allowed to ${verb} posts as this user.`,
      );
    return undefined;
  };

  const changesOf = async (req: RestRequest, user: User): Promise<MediaChanges> => {
    const { timezone } = await readSettings(ctx.db);
    const unfiltered = callerCan(user, 'unfiltered_html');
    const changes: MediaChanges = {};
    const title = textArg(req, 'title');
    if (title !== undefined) changes.title = unfiltered ? title : sanitizeTitleHtml(title);
    const caption = textArg(req, 'caption');
    if (caption !== undefined) changes.caption = unfiltered ? caption : sanitizePostHtml(caption);
    const description = textArg(req, 'description');
    if (description !== undefined)
      changes.description = unfiltered ? description : sanitizePostHtml(description);
    const alt = stringArg(req, 'alt_text');
    if (alt !== undefined) changes.altText = htmlToText(alt).replace(/\s+/g, ' ').trim();
    const slug = stringArg(req, 'slug');
    if (slug !== undefined) changes.slug = slug;
    if (req.args.comment_status !== undefined)
      changes.commentStatus = String(req.args.comment_status);
    if (req.args.ping_status !== undefined) changes.pingStatus = String(req.args.ping_status);
    if (req.args.post !== undefined && req.args.post !== null)
      changes.postId = Number(req.args.post);
    if (req.args.author !== undefined) {
      const author = Number(req.args.author);
      if (author !== user.id && (!isDbId(author) || !(await findUserById(ctx.db, author))))
        throw new HttpError(400, 'rest_invalid_author', 'Invalid author ID.');
      changes.authorId = author;
    }
    const date = dateArg(req, 'date', timezone) ?? dateArg(req, 'date_gmt', 'UTC');
    if (date !== undefined && date !== null) changes.date = date;
    return changes;
  };

  const listSpecs = {
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

  registry.register({
    namespace: 'wp/v2',
    tier: 'content',
    route: '/media',
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: listSpecs,
        permission: (req) => {
          bracketArrayArgs(req, listSpecs);
          const user = req.auth.user;
          const statuses = stringList(req.args.status) ?? ['inherit'];
          if (statuses.some((s) => s !== 'inherit') && !typeCan(user, 'attachment', 'edit_posts'))
            return denied(req, 'rest_forbidden_status', 'Status is forbidden.');
          if (contextOf(req) === 'edit' && !typeCan(user, 'attachment', 'edit_posts'))
            return denied(
              req,
              'rest_forbidden_context',
              'Sorry, you are not allowed to edit posts in this post type.',
            );
          return true;
        },
        handler: async (req) => {
          const { timezone } = await readSettings(ctx.db);
          const { page, per_page: perPage, orderby: orderBy } = req.args;
          if (orderBy === 'include' && !intList(req.args.include))
            throw new HttpError(
              400,
              'rest_orderby_include_missing_include',
              'You need to define an include parameter to order by include.',
            );
          // Attachments here are never private or trashed.
          const { media, total } = req.args.status.includes('inherit')
            ? await listMedia(ctx.db, {
                reader: {
                  ...readerOf(req.auth.user, 'post'),
                  readPrivatePages: readerOf(req.auth.user, 'page').readPrivate,
                  editOthersPages: readerOf(req.auth.user, 'page').editOthers,
                },
                page,
                perPage,
                offset: req.args.offset,
                search: stringArg(req, 'search') || undefined,
                authors: intList(req.args.author),
                authorsExclude: intList(req.args.author_exclude),
                include: intList(req.args.include),
                exclude: intList(req.args.exclude),
                slugs: stringList(req.args.slug),
                parents: intList(req.args.parent),
                parentsExclude: intList(req.args.parent_exclude),
                mediaType: req.args.media_type,
                mimeType: stringArg(req, 'mime_type'),
                before: dateArg(req, 'before', timezone) ?? undefined,
                after: dateArg(req, 'after', timezone) ?? undefined,
                orderBy: orderBy === 'relevance' || orderBy === 'include_slugs' ? 'date' : orderBy,
                order: req.args.order,
              })
            : { media: [], total: 0 };
          if (page > Math.ceil(total / perPage) && total > 0)
            throw new HttpError(
              400,
              'rest_post_invalid_page_number',
              'The page number requested is larger than the number of pages available.',
            );
          const context = contextOf(req);
          return {
            body: await Promise.all(media.map((m) => resource(req, m, context))),
            headers: collectionHeaders(req, 'wp/v2/media', page, perPage, total),
          };
        },
      }),
      restEndpoint({
        methods: ['POST'],
        args: WRITE_SPECS,
        permission: async (req) => {
          if (req.args.id !== undefined)
            return new HttpError(400, 'rest_post_exists', 'Cannot create existing post.');
          const author = authorProblem(req, 'create');
          if (author) return author;
          if (!typeCan(req.auth.user, 'attachment', 'create_posts'))
            return denied(
              req,
              'rest_cannot_create',
              'Sorry, you are not allowed to create posts as this user.',
            );
          return (await parentProblem(req)) ?? true;
        },
        handler: async (req) => {
          const user = signedIn(req);
          let upload: Upload | undefined;
          try {
            upload = await readUpload(req);
            // Multipart fields arrive only now: check them as the permission step would have.
            const late = authorProblem(req, 'create') ?? (await parentProblem(req));
            if (late) throw late;
            const changes = await changesOf(req, user);
            const media = await createMedia(
              ctx.db,
              uploadsDir,
              {
                authorId: changes.authorId ?? user.id,
                postId: changes.postId,
                fileName: withoutNul(upload.fileName),
                bytes: upload.bytes,
                title: changes.title,
                caption: changes.caption,
                description: changes.description,
                altText: changes.altText,
                commentStatus: changes.commentStatus,
                pingStatus: changes.pingStatus,
                date: changes.date,
              },
              ctx.now(),
            );
            return {
              status: 201,
              body: await resource(req, media, 'edit'),
              headers: { location: `${site}/wp-json/wp/v2/media/${media.id}` },
            };
          } catch (error) {
            if (error instanceof ContentError && error.code === 'file_type_refused')
              throw new HttpError(
                400,
                upload?.via === 'multipart' || req.raw.isMultipart()
                  ? 'rest_upload_unknown_error'
                  : 'rest_upload_sideload_error',
                error.message,
              );
            throw error;
          }
        },
      }),
    ],
  });

  const idArg = {
    id: { type: 'integer', description: 'Unique identifier for the attachment.' },
  } satisfies ArgSpecs;

  registry.register({
    namespace: 'wp/v2',
    tier: 'content',
    route: '/media/(?P<id>[\\d]+)',
    endpoints: [
      restEndpoint({
        methods: ['GET'],
        args: { ...idArg, ...CONTEXT_ARG },
        permission: async (req) => {
          const media = await loadMedia(req, idOf(req));
          if (!media) return invalidId();
          if (
            contextOf(req) === 'edit' &&
            !callerCan(req.auth.user, { capability: 'edit_post', post: mediaRef(media) })
          )
            return denied(
              req,
              'rest_forbidden_context',
              'Sorry, you are not allowed to edit this post.',
            );
          return (await canRead(req, media)) ? true : forbidden(req);
        },
        handler: async (req) => {
          const media = await loadMedia(req, idOf(req));
          if (!media) throw invalidId();
          return { body: await resource(req, media, contextOf(req)) };
        },
      }),
      restEndpoint({
        methods: ['POST', 'PUT', 'PATCH'],
        args: { ...idArg, ...WRITE_SPECS },
        permission: async (req) => {
          const media = await loadMedia(req, idOf(req));
          if (!media) return invalidId();
          if (!callerCan(req.auth.user, { capability: 'edit_post', post: mediaRef(media) }))
            return denied(req, 'rest_cannot_edit', 'Sorry, you are not allowed to edit this post.');
          const author = authorProblem(req, 'update');
          if (author) return author;
          if (req.args.post !== undefined && Number(req.args.post) !== media.postId)
            return (await parentProblem(req)) ?? true;
          return true;
        },
        handler: async (req) => {
          const media = await loadMedia(req, idOf(req));
          if (!media) throw invalidId();
          const changes = await changesOf(req, signedIn(req));
          return {
            body: await resource(req, await updateMedia(ctx.db, media, changes, ctx.now()), 'edit'),
          };
        },
      }),
      restEndpoint({
        methods: ['DELETE'],
        args: {
          ...idArg,
          force: {
            type: 'boolean',
            default: false,
            description: 'Whether to bypass Trash and force deletion.',
          },
        },
        permission: async (req) => {
          const media = await loadMedia(req, idOf(req));
          if (!media) return invalidId();
          return callerCan(req.auth.user, { capability: 'delete_post', post: mediaRef(media) })
            ? true
            : denied(req, 'rest_cannot_delete', 'Sorry, you are not allowed to delete this post.');
        },
        handler: async (req) => {
          const media = await loadMedia(req, idOf(req));
          if (!media) throw invalidId();
          if (req.args.force !== true)
            throw new HttpError(
              501,
              'rest_trash_not_supported',
              "The post does not support trashing. Set 'force' to true to delete.",
            );
          const previous = await resource(req, media, 'edit');
          await deleteMedia(ctx.db, uploadsDir, media);
          return { body: { deleted: true, previous } };
        },
      }),
    ],
  });
}
