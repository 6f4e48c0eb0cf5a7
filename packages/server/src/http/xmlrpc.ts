import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { INTERNAL_ERROR, PARSE_ERROR } from '../xmlrpc/faults.js';
import { rsdDocument } from '../xmlrpc/rsd.js';
import { faultResponse } from '../xmlrpc/serialize.js';
import { handleXmlRpc } from '../xmlrpc/server.js';
import { addressLimitKey, clientIp } from './clientAddress.js';
import type { AppContext } from '../context.js';
import { applicationPasswordsAvailableFor } from './rest/auth.js';

const XML = 'text/xml; charset=UTF-8';
export const POST_ONLY = 'XML-RPC server accepts POST requests only.';

const hasRsd = (request: FastifyRequest) => Object.hasOwn((request.query ?? {}) as object, 'rsd');

/**
 * `/xmlrpc.php`: XML-RPC for desktop editors and legacy clients (POST), the RSD document
 * (`?rsd`), and 405 for anything else. Every XML-RPC answer is HTTP 200, faults included: a
 * body too large, unreadable or hostile gets a fault, never a 5xx.
 */
export function registerXmlRpc(app: FastifyInstance, ctx: AppContext): void {
  void app.register(async (scope) => {
    // Only this route's parsers: the body is kept as bytes whatever its declared type
    // (clients send text/xml, application/xml, or nothing useful) and parsed by the handler.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: ctx.config.bodyLimitBytes },
      (_request, body, done) => done(null, body),
    );
    scope.setErrorHandler(async (error: FastifyError, request, reply: FastifyReply) => {
      const tooLarge = error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
      if (!tooLarge && (error.statusCode ?? 500) >= 500)
        request.log.error({ err: error }, 'xml-rpc request failed');
      const fault = tooLarge
        ? faultResponse(
            PARSE_ERROR,
            `parse error. not well formed: the request is larger than ${ctx.config.bodyLimitBytes} bytes.`,
          )
        : (error.statusCode ?? 500) < 500
          ? faultResponse(PARSE_ERROR, 'parse error. not well formed: unreadable request.')
          : faultResponse(INTERNAL_ERROR, 'server error. internal xml-rpc error.');
      return reply.code(200).type(XML).send(fault);
    });

    scope.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url: '/xmlrpc.php',
      handler: async (request, reply) => {
        if (hasRsd(request)) return reply.type(XML).send(rsdDocument(ctx.config.siteUrl));
        if (request.method !== 'POST')
          return reply.code(405).header('allow', 'POST').type('text/plain').send(POST_ONLY);
        const body = Buffer.isBuffer(request.body) ? request.body : undefined;
        const xml = await handleXmlRpc(
          ctx,
          {
            ip: clientIp(request),
            addressKey: addressLimitKey(clientIp(request)),
            userAgent: String(request.headers['user-agent'] ?? ''),
            applicationPasswordsAvailable: () => applicationPasswordsAvailableFor(ctx, request),
          },
          body,
        );
        return reply.code(200).header('cache-control', 'no-store').type(XML).send(xml);
      },
    });
  });
}
