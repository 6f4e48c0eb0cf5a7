import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../accounts/index.js';
import { randomToken } from '../crypto/index.js';
import {
  CSRF_COOKIE,
  REMEMBERED_SESSION_TTL_MS,
  SESSION_COOKIE,
  csrfTokenForBrowser,
  csrfTokenForSession,
  csrfTokenMatches,
  resolveSession,
  type Session,
} from '../sessions/index.js';
import type { AppContext } from '../context.js';
import { HttpError } from './errors.js';

export interface SignedIn {
  user: User;
  session: Session;
}

const sessionCache = new WeakMap<FastifyRequest, Promise<SignedIn | undefined>>();

/** The session named by the request's cookie (looked up once per request). */
export function sessionOf(ctx: AppContext, request: FastifyRequest): Promise<SignedIn | undefined> {
  let pending = sessionCache.get(request);
  if (!pending) {
    const token = request.cookies[SESSION_COOKIE];
    pending = token
      ? resolveSession(ctx.db, ctx.keys, token, ctx.now())
      : Promise.resolve(undefined);
    sessionCache.set(request, pending);
  }
  return pending;
}

/** The session cookie's attributes (SPEC §6.1): HttpOnly, SameSite=Lax, Secure over HTTPS. */
function sessionCookieOptions(ctx: AppContext, request: FastifyRequest, remember: boolean) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: isSecureRequest(ctx, request),
    ...(ctx.config.cookieDomain ? { domain: ctx.config.cookieDomain } : {}),
    // Without remember-me the cookie lives for the browser session only.
    ...(remember ? { maxAge: REMEMBERED_SESSION_TTL_MS / 1000 } : {}),
  };
}

/** Sets the session cookie on a page's answer. */
export function setSessionCookie(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  remember: boolean,
): void {
  reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(ctx, request, remember));
  // Anything later in this request reads the session by its new token.
  request.cookies[SESSION_COOKIE] = token;
}

/** The `Set-Cookie` value of a session cookie, for a REST answer (which has no reply object). */
export function sessionCookieHeader(
  ctx: AppContext,
  request: FastifyRequest,
  token: string,
  remember: boolean,
): string {
  return request.server.serializeCookie(
    SESSION_COOKIE,
    token,
    sessionCookieOptions(ctx, request, remember),
  );
}

export function isSecureRequest(ctx: AppContext, request: FastifyRequest): boolean {
  return request.protocol === 'https' || ctx.config.siteUrl.startsWith('https:');
}

/** The CSRF token for the page being rendered: bound to the session, or to a browser cookie. */
export function csrfTokenFor(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: SignedIn | undefined,
): string {
  if (signedIn) return csrfTokenForSession(ctx.keys, signedIn.session.id);
  let browser = request.cookies[CSRF_COOKIE];
  if (!browser || !/^[A-Za-z0-9_-]{22,64}$/.test(browser)) {
    browser = randomToken(18);
    reply.setCookie(CSRF_COOKIE, browser, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: isSecureRequest(ctx, request),
    });
    // Keep later calls in this request consistent.
    request.cookies[CSRF_COOKIE] = browser;
  }
  return csrfTokenForBrowser(ctx.keys, browser);
}

/**
 * Refuses cross-site state changes: a present `Origin` must be this site's (or the origin the
 * request was addressed to), and `Sec-Fetch-Site`, when a browser sends it, must not be
 * cross-site.
 */
export function assertSameOrigin(ctx: AppContext, request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const allowed = new Set([new URL(ctx.config.siteUrl).origin]);
    if (request.headers.host) allowed.add(`${request.protocol}://${request.headers.host}`);
    if (!allowed.has(origin))
      throw new HttpError(
        403,
        'latchkey_cross_origin',
        'Cross-origin requests cannot change anything here.',
      );
  }
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new HttpError(
      403,
      'latchkey_cross_origin',
      'Cross-origin requests cannot change anything here.',
    );
  }
}

/** Checks a state-changing form: same origin and the right `_csrf` for its session or browser. */
export function assertFormCsrf(
  ctx: AppContext,
  request: FastifyRequest,
  signedIn: SignedIn | undefined,
): void {
  assertSameOrigin(ctx, request);
  const body = request.body as Record<string, unknown> | undefined;
  const presented = body?._csrf;
  let expected: string | undefined;
  if (signedIn) expected = csrfTokenForSession(ctx.keys, signedIn.session.id);
  else {
    const browser = request.cookies[CSRF_COOKIE];
    if (browser) expected = csrfTokenForBrowser(ctx.keys, browser);
  }
  if (!expected || !csrfTokenMatches(expected, presented)) {
    throw new HttpError(
      403,
      'latchkey_csrf_failed',
      'The form expired or did not come from this site. Reload the page and try again.',
    );
  }
}

export function clearSessionCookie(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecureRequest(ctx, request),
    ...(ctx.config.cookieDomain ? { domain: ctx.config.cookieDomain } : {}),
  });
}
