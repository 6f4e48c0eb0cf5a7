import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CredentialLimitError,
  parseCredentialLimits,
  sanitizeApplicationPasswordName,
} from '../../../app-passwords/index.js';
import {
  authorizeQuery,
  parseAuthorizeRequest,
  rejectDestination,
} from '../../../authorize-app/index.js';
import { assertFormCsrf, sessionOf, type SignedIn } from '../../browserAuth.js';
import type { AppContext } from '../../../context.js';
import { REAUTH_WINDOW_MS } from '../../rest/appPasswords.js';
import { formFields, formList, formText } from '../formFields.js';
import { ServiceError, listServices, parseServicesLimit } from '../../../services/index.js';
import { reauthUrl, stepUpDue } from '../stepUp.js';
import { authorizeRefusal } from './authorizeRefusal.js';
import { authorizeScreen } from './authorizeScreen.js';
import { authorizeProblemsPage, authorizeRefusalPage } from './cannotAuthorizePages.js';
import { handOverApplicationPassword } from './handOverApplicationPassword.js';

/** The request's fields as the app sent them, carried through a sign-in that interrupts. */
const REQUEST_FIELDS = [
  'app_name',
  'app_id',
  'success_url',
  'reject_url',
  'scope',
  'response_type',
  'code_challenge',
  'services',
];

/** Approve or Deny on the screen. */
export async function submitAuthorizeScreen(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const path = request.url.split('?')[0]!;
  const body = formFields(request);
  // The request as the app made it: the form's hidden fields, with the scope it asked for.
  const asked: Record<string, unknown> = {
    ...body,
    scope: body.requested_scope,
    services: body.requested_services,
  };
  const signedIn = await sessionOf(ctx, request);
  if (!signedIn || signedIn.session.enrolmentOnly)
    return reply.redirect(elsewhereFirst(signedIn, path, asked), 303);
  assertFormCsrf(ctx, request, signedIn);
  // Validated again: WordPress trusts these hidden fields on its no-JS POST, so a forged
  // form could send the password to javascript: or to any http host.
  const { request: authorize, problems } = parseAuthorizeRequest(asked, ctx.config.env);
  if (problems.length > 0) return authorizeProblemsPage(ctx, request, reply, signedIn, problems);
  const refused = await authorizeRefusal(ctx, request, signedIn, authorize);
  if (refused) return authorizeRefusalPage(ctx, request, reply, signedIn, refused);

  const approve = body.approve !== undefined && body.reject === undefined;
  if (!approve)
    return reply.header('cache-control', 'no-store').redirect(rejectDestination(authorize), 302);

  const screenUrl = `${path}?${authorizeQuery(authorize)}`;
  if (stepUpDue(ctx, signedIn, REAUTH_WINDOW_MS)) return reply.redirect(reauthUrl(screenUrl), 303);

  const values = {
    name: formText(body.app_name),
    scope: formText(body.scope),
    expires: formText(body.expires),
    services: formList(body.services).filter((s) => authorize.services.includes(s)),
  };
  // What the app asked for can be narrowed; unticking every one would mean "all": refused.
  if (authorize.services.length > 0 && values.services.length === 0)
    return authorizeScreen(ctx, request, reply, signedIn, authorize, path, {
      ...values,
      error: 'Choose at least one of the services the application asked for.',
      errorField: 'services',
    });
  let services: string[];
  try {
    services = parseServicesLimit(
      values.services,
      (await listServices(ctx.db)).map((s) => s.slug),
    );
  } catch (error) {
    if (error instanceof ServiceError)
      return authorizeScreen(ctx, request, reply, signedIn, authorize, path, {
        ...values,
        error: error.detail,
      });
    throw error;
  }
  const name = sanitizeApplicationPasswordName(values.name);
  if (name === '')
    return authorizeScreen(ctx, request, reply, signedIn, authorize, path, {
      ...values,
      error: 'An application name is required to create an application password.',
      errorField: 'name',
    });
  let limits;
  try {
    // The app may ask for content only; the user may narrow what it asked for, never widen it.
    limits = parseCredentialLimits(
      { scope: values.scope, expires: values.expires },
      signedIn.user.role,
      ctx.now(),
      authorize.scope === 'content' ? 'content' : 'full',
    );
  } catch (error) {
    if (error instanceof CredentialLimitError)
      return authorizeScreen(ctx, request, reply, signedIn, authorize, path, {
        ...values,
        error: error.detail,
        errorField: error.param === 'expires' ? 'expires' : 'scope',
      });
    throw error;
  }
  return handOverApplicationPassword(ctx, request, reply, signedIn, authorize, {
    name,
    limits,
    services,
  });
}

/**
 * Signed out: sign in, then back to the screen with the request as the app made it. A session
 * limited to enrolment: set up a second factor first.
 */
function elsewhereFirst(
  signedIn: SignedIn | undefined,
  path: string,
  asked: Record<string, unknown>,
): string {
  const again = new URLSearchParams();
  for (const name of REQUEST_FIELDS)
    if (formText(asked[name]) !== '') again.set(name, formText(asked[name]));
  const back = `${path}?${again.toString()}`;
  return signedIn ? '/account/two-factor' : `/login?redirect_to=${encodeURIComponent(back)}`;
}
