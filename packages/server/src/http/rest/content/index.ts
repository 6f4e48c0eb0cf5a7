import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../errors.js';
import type { RestRegistry } from '../registry.js';
import { registerMediaRoutes } from './media.js';
import { registerPostRoutes } from './posts.js';
import { registerTermRoutes } from './terms.js';

/** wp/v2 posts, pages, categories, tags and media: the content tier. */
export function registerContentRoutes(ctx: AppContext, registry: RestRegistry): void {
  registerPostRoutes(ctx, registry, 'post');
  registerPostRoutes(ctx, registry, 'page');
  registerTermRoutes(ctx, registry, 'category');
  registerTermRoutes(ctx, registry, 'post_tag');
  registerMediaRoutes(ctx, registry);
}

/** Only the media routes take files; everywhere else these bodies stay refused as before. */
const isMediaUrl = (url: string) => /^\/wp-json\/wp\/v2\/media(?:[/?]|$)/.test(url);

const notAccepted = () =>
  new HttpError(415, 'latchkey_unsupported_media_type', 'This content type is not accepted here.');

/**
 * Request bodies for media uploads, accepted on the media routes only: multipart forms, and raw
 * bodies of any file type (kept as bytes; the route decides what it stores). Elsewhere these
 * types stay refused with 415, and text/plain stays a string, as before.
 */
export async function registerMediaBodies(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const limit = ctx.config.bodyLimitBytes;
  // One file; a few short text fields beside it (their total stays far below the body limit,
  // which Fastify cannot apply to a form it does not read itself).
  await app.register(multipart, {
    limits: { fileSize: limit, files: 1, fields: 20, fieldSize: 65_536, parts: 21 },
  });
  app.addHook('preValidation', async (request) => {
    if (request.isMultipart() && !isMediaUrl(request.url)) throw notAccepted();
  });
  // Fastify's own text/plain parser gives a string; uploads of text files need their bytes.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    'text/plain',
    { parseAs: 'buffer', bodyLimit: limit },
    (request, body: Buffer, done) => {
      done(null, isMediaUrl(request.url) ? body : body.toString('utf8'));
    },
  );
  app.addContentTypeParser(
    // Any file type, except XML (XML-RPC's) and JSON variants, which keep their own parsers.
    /^(?!(?:text|application)\/xml\b)(?![\w.-]+\/[\w.-]*\+json\b)(?:image|audio|video|font|model|application|text)\//,
    { parseAs: 'buffer', bodyLimit: limit },
    (request, body: Buffer, done) => {
      if (isMediaUrl(request.url)) done(null, body);
      else done(notAccepted(), undefined);
    },
  );
}
