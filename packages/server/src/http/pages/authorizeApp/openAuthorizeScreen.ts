import type { FastifyReply, FastifyRequest } from 'fastify';
import { sanitizeApplicationPasswordName } from '../../../app-passwords/index.js';
import { parseAuthorizeRequest } from '../../../authorize-app/index.js';
import type { AppContext } from '../../../context.js';
import { REAUTH_WINDOW_MS } from '../../rest/appPasswords.js';
import { requireSignedIn } from '../render.js';
import { reauthUrl, stepUpDue } from '../stepUp.js';
import { authorizeRefusal } from './authorizeRefusal.js';
import { authorizeScreen } from './authorizeScreen.js';
import { authorizeProblemsPage, authorizeRefusalPage } from './cannotAuthorizePages.js';

/** Longer authorize URLs are refused: they must survive the sign-in round trip intact. */
const MAX_AUTHORIZE_URL_LENGTH = 2048;

/** The app's link: the request checked, then the screen (after a step-up if one is due). */
export async function openAuthorizeScreen(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const signedIn = await requireSignedIn(ctx, request, reply);
  if (!signedIn) return reply;
  const query = (request.query ?? {}) as Record<string, unknown>;
  const { request: authorize, problems } = parseAuthorizeRequest(query, ctx.config.env);
  if (request.url.length > MAX_AUTHORIZE_URL_LENGTH)
    problems.push({
      field: 'request',
      code: 'request_too_long',
      message: `The request is longer than ${MAX_AUTHORIZE_URL_LENGTH} characters.`,
    });
  if (problems.length > 0) return authorizeProblemsPage(ctx, request, reply, signedIn, problems);
  const refused = await authorizeRefusal(ctx, request, signedIn, authorize);
  if (refused) return authorizeRefusalPage(ctx, request, reply, signedIn, refused);
  // Step-up before the screen, so nobody fills it in only to be sent away.
  if (stepUpDue(ctx, signedIn, REAUTH_WINDOW_MS))
    return reply.redirect(reauthUrl(request.url), 302);
  return authorizeScreen(ctx, request, reply, signedIn, authorize, request.url.split('?')[0]!, {
    name: sanitizeApplicationPasswordName(authorize.appName),
    scope: authorize.scope ?? 'full',
    expires: '',
  });
}
