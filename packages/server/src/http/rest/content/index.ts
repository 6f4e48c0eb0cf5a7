import multipart from '@fastify/multipart';
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import type { AppContext } from '../../../context.js';
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

/**
 * Request bodies for media uploads, accepted on the media routes only: multipart forms, and raw
 * bodies of any file type (kept as bytes; the route decides what it stores). The routes and their
 * parsers live in one encapsulated scope, so the rest of the API pays nothing for them (the
 * multipart plugin hooks every request of its scope) and refuses these bodies with 415 (the
 * error handler turns Fastify's into `latchkey_unsupported_media_type`); text/plain stays a
 * string elsewhere, as before.
 */
export async function registerMediaBodies(
  app: FastifyInstance,
  ctx: AppContext,
  dispatch: RouteHandlerMethod,
): Promise<void> {
  const limit = ctx.config.bodyLimitBytes;
  await app.register(async (media) => {
    // One file; a few short text fields beside it (their total stays far below the body limit,
    // which Fastify cannot apply to a form it does not read itself).
    await media.register(multipart, {
      limits: { fileSize: limit, files: 1, fields: 20, fieldSize: 65_536, parts: 21 },
    });
    // Uploads of text files need their bytes, not Fastify's string.
    media.removeContentTypeParser('text/plain');
    media.addContentTypeParser(
      'text/plain',
      { parseAs: 'buffer', bodyLimit: limit },
      (_r, body, done) => done(null, body),
    );
    media.addContentTypeParser(
      // Any file type, except XML (XML-RPC's) and JSON variants, which keep their own parsers.
      /^(?!(?:text|application)\/xml\b)(?![\w.-]+\/[\w.-]*\+json\b)(?:image|audio|video|font|model|application|text)\//,
      { parseAs: 'buffer', bodyLimit: limit },
      (_r, body, done) => done(null, body),
    );
    for (const url of ['/wp-json/wp/v2/media', '/wp-json/wp/v2/media/*']) {
      media.route({
        method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        url,
        handler: dispatch,
      });
    }
  });
}
