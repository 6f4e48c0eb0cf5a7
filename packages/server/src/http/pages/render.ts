import type { FastifyReply, FastifyRequest } from 'fastify';
import { readSettings } from '../../settings/index.js';
import { csrfTokenFor, sessionOf, type SignedIn } from '../browserAuth.js';
import type { AppContext } from '../../context.js';
import type { Html } from '../html.js';
import { page, type PageChrome } from '../layout.js';

export interface PageOptions {
  title: string;
  status?: number;
  flash?: PageChrome['flash'];
  head?: Html;
  signedIn?: SignedIn | undefined;
  /** Mid-sign-in: the login whose second factor is asked for. */
  signingInAs?: string | undefined;
}

/** Renders a page in the site chrome with the right CSRF token, and sends it. */
export async function sendPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  options: PageOptions,
  body: (csrfToken: string) => Html,
): Promise<FastifyReply> {
  const signedIn = options.signedIn ?? (await sessionOf(ctx, request));
  const csrfToken = csrfTokenFor(ctx, request, reply, signedIn);
  const settings = await readSettings(ctx.db);
  const markup = page(
    {
      title: options.title,
      siteTitle: settings.title,
      csrfToken,
      user: signedIn?.user,
      flash: options.flash,
      head: options.head,
      signingInAs: options.signingInAs,
      restricted: Boolean(
        signedIn && (signedIn.session.passwordChangeOnly || signedIn.session.enrolmentOnly),
      ),
    },
    body(csrfToken),
  );
  return reply
    .code(options.status ?? 200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(markup.value);
}

/** Sends signed-out visitors to the sign-in page, coming back here afterwards. */
export async function requireSignedIn(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<SignedIn | undefined> {
  const signedIn = await sessionOf(ctx, request);
  if (!signedIn) {
    await reply.redirect(`/login?redirect_to=${encodeURIComponent(request.url)}`, 302);
    return undefined;
  }
  // Required two-factor: until a method is enrolled, every other page leads back there. The
  // step-up page stays open: enrolling after 10 minutes asks for the password again.
  const path = request.url.split('?')[0]!;
  const enrolmentPage =
    path === '/account/two-factor' ||
    path.startsWith('/account/two-factor/') ||
    path === '/login/reauth';
  // SPEC §6.5: a single-use password must be replaced before anything else (then enrolment).
  if (signedIn.session.passwordChangeOnly && path !== '/account/password') {
    await reply.redirect('/account/password', 302);
    return undefined;
  }
  if (signedIn.session.enrolmentOnly && !enrolmentPage) {
    await reply.redirect('/account/two-factor', 302);
    return undefined;
  }
  return signedIn;
}

/** Notices shown after a redirect: chosen by key from this fixed list, never echoed from the URL. */
export function noticeFor(key: unknown, notices: Record<string, string>): PageChrome['flash'] {
  return typeof key === 'string' && Object.hasOwn(notices, key)
    ? { kind: 'notice', text: notices[key]! }
    : undefined;
}

export function formatTime(ms: number | null): string {
  if (ms === null) return '—';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
