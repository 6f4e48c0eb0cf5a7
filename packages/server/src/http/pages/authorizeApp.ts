import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ROLE_LABELS, can } from '../../accounts/index.js';
import {
  CredentialLimitError,
  createApplicationPassword,
  isAppIdBlocked,
  parseCredentialLimits,
  sanitizeApplicationPasswordName,
} from '../../app-passwords/index.js';
import { recordAuditEvent } from '../../audit/index.js';
import {
  approveDestination,
  authorizeQuery,
  issueAuthorizeCode,
  parseAuthorizeRequest,
  rejectDestination,
  type AuthorizeProblem,
  type AuthorizeRequest,
} from '../../authorize-app/index.js';
import { readSettings } from '../../settings/index.js';
import { assertFormCsrf, sessionOf, type SignedIn } from '../browserAuth.js';
import { clientIp } from '../clientAddress.js';
import type { AppContext } from '../../context.js';
import { html, type Html } from '../html.js';
import { notifyApplicationPasswordCreated } from '../notifications.js';
import { REAUTH_WINDOW_MS } from '../rest/appPasswords.js';
import { applicationPasswordsAvailableFor } from '../rest/auth.js';
import { requireSignedIn, sendPage } from './render.js';

export const AUTHORIZE_PATHS = ['/authorize-application', '/wp-admin/authorize-application.php'];

/** Longer authorize URLs are refused: they must survive the sign-in round trip intact. */
const MAX_AUTHORIZE_URL_LENGTH = 2048;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The page policy of the site, except `form-action`: the approve and reject buttons post here,
 * and the answer redirects to the app, which Chromium and Firefox check against `form-action`
 * too. So the app's destinations are added to it (origin for http(s), scheme for native apps).
 */
export function authorizePageCsp(request: AuthorizeRequest): string {
  const sources = new Set(["'self'"]);
  for (const url of [request.successUrl, request.rejectUrl]) {
    if (!url) continue;
    const parsed = new URL(url);
    const special = parsed.protocol === 'http:' || parsed.protocol === 'https:';
    // A CSP host-source has no syntax for IPv6 literals or unusual hosts: fall back to the scheme.
    if (special && /^[a-z0-9.-]+(:\d+)?$/i.test(parsed.host))
      sources.add(`${parsed.protocol}//${parsed.host}`);
    else if (/^[a-z][a-z0-9+.-]*:$/.test(parsed.protocol)) sources.add(parsed.protocol);
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action ${[...sources].join(' ')}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

export function registerAuthorizeApplicationPages(app: FastifyInstance, ctx: AppContext): void {
  const problemsPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    signedIn: SignedIn,
    problems: AuthorizeProblem[],
  ) =>
    sendPage(
      ctx,
      request,
      reply,
      { title: 'Cannot authorize application', status: 400, signedIn },
      () => html`<h1>Cannot authorize application</h1>
        <p>The Authorize Application request is not allowed.</p>
        <ul id="authorize-problems">
          ${problems.map(
            (p) =>
              html`<li data-field="${p.field}" data-code="${p.code}"><code>${p.field}</code>: ${p.message}</li>`,
          )}
        </ul>
        <p><a href="/account">Go to your account</a></p>`,
    );

  const refusalPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    signedIn: SignedIn,
    status: number,
    message: string,
  ) =>
    sendPage(
      ctx,
      request,
      reply,
      { title: 'Cannot authorize application', status, signedIn },
      () => html`<h1>Cannot authorize application</h1>
        <p class="error" role="alert" id="authorize-refusal">${message}</p>
        <p><a href="/account">Go to your account</a></p>`,
    );

  /**
   * The checks that stand between a valid request and the screen, in order: the app is not
   * blocked, application passwords are available to this user, and they may create one.
   * Returns the refusal, if any. (Not a reply: a Fastify reply is thenable, so awaiting a
   * function that returns one yields undefined once it has been sent.)
   */
  const refusal = async (
    request: FastifyRequest,
    signedIn: SignedIn,
    authorize: AuthorizeRequest,
  ): Promise<{ status: number; message: string } | undefined> => {
    if (await isAppIdBlocked(ctx.db, authorize.appId))
      return {
        status: 403,
        message: 'This application has been blocked by the site administrator.',
      };
    if (!(await applicationPasswordsAvailableFor(ctx, request)))
      return { status: 501, message: 'Application passwords are not available.' };
    if ((await readSettings(ctx.db)).applicationPasswordsDisabledRoles.includes(signedIn.user.role))
      return {
        status: 501,
        message:
          'Application passwords are not available for your account. Please contact the site administrator for assistance.',
      };
    if (!can(signedIn.user, { capability: 'create_app_password', user: signedIn.user }))
      return {
        status: 403,
        message: 'Sorry, you are not allowed to create application passwords for this user.',
      };
    return undefined;
  };

  const stale = (signedIn: SignedIn) =>
    ctx.now() - signedIn.session.authenticatedAt > REAUTH_WINDOW_MS;

  const screen = (
    request: FastifyRequest,
    reply: FastifyReply,
    signedIn: SignedIn,
    authorize: AuthorizeRequest,
    action: string,
    values: { name: string; scope: string; expires: string; error?: string },
  ) => {
    const user = signedIn.user;
    const secretLabel = authorize.responseType === 'code' ? '[one-time code]' : '[------]';
    const approveTo = authorize.successUrl
      ? approveDestination(authorize, {
          siteUrl: ctx.config.siteUrl,
          userLogin: user.login,
          secret: 'SECRET',
        }).replace(/SECRET(#|$)/, `${secretLabel}$1`)
      : '';
    const rejectTo = rejectDestination(authorize);
    const contentOnly = authorize.scope === 'content';
    const today = new Date(ctx.now()).toISOString().slice(0, 10);
    reply.header('content-security-policy', authorizePageCsp(authorize));
    return sendPage(
      ctx,
      request,
      reply,
      {
        title: 'Authorize application',
        status: values.error ? 400 : 200,
        signedIn,
        flash: values.error ? { kind: 'error', text: values.error } : undefined,
      },
      (csrf) => html`<h1>Authorize application</h1>
        <h2>Connect an application to your account</h2>
        <p>
          <strong id="authorize-app-name">${authorize.appName || 'An unnamed application'}</strong>
          (the name is the application’s own claim) asks for an application password. Approve only
          if you started this yourself and trust the application: it will be able to act as you
          through the API until you revoke the password.
        </p>
        <p id="authorize-account">
          It will act as your account, <strong>${user.login}</strong>, with the role
          ${ROLE_LABELS[user.role]}. Not you? <a href="/logout">Sign out</a>.
        </p>
        ${authorize.appId ? html`<p class="muted">Application ID: <code id="authorize-app-id">${authorize.appId}</code></p>` : ''}
        <form class="stack" method="post" action="${action}" id="authorize-form">
          <input type="hidden" name="_csrf" value="${csrf}" />
          <input type="hidden" name="app_id" value="${authorize.appId}" />
          <input type="hidden" name="success_url" value="${authorize.successUrl}" />
          <input type="hidden" name="reject_url" value="${authorize.rejectUrl}" />
          <input type="hidden" name="requested_scope" value="${authorize.scope ?? ''}" />
          <input type="hidden" name="response_type" value="${authorize.responseType}" />
          <input type="hidden" name="code_challenge" value="${authorize.codeChallenge}" />
          <label>New application password name
            <input type="text" id="app_name" name="app_name" value="${values.name}" maxlength="255" required /></label>
          <label>What it may reach
            <select name="scope" id="authorize-scope">
              ${contentOnly ? '' : html`<option value="full" ${values.scope !== 'content' ? html`selected` : ''}>Everything your account can do</option>`}
              <option value="content" ${contentOnly || values.scope === 'content' ? html`selected` : ''}>Content only: posts, pages, categories, tags, media</option>
            </select></label>
          ${contentOnly ? html`<p class="muted" id="authorize-scope-note">The application asked for content only; it cannot be given more here.</p>` : ''}
          <label>Expires (optional)
            <input type="date" name="expires" id="authorize-expires" min="${today}" value="${values.expires}" /></label>
          <div>
            <button type="submit" name="approve" value="1" id="approve">Approve and connect</button>
            <p class="muted" id="description-approve">
              ${
                approveTo
                  ? html`You will be sent to <code id="approve-destination">${approveTo}</code>`
                  : html`The new application password will be shown to you once, on the next page.`
              }
            </p>
          </div>
          <div>
            <button type="submit" name="reject" value="1" class="secondary" id="reject" formnovalidate>Deny</button>
            <p class="muted" id="description-reject">You will be sent to <code id="reject-destination">${rejectTo}</code></p>
          </div>
        </form>`,
    );
  };

  const show = async (request: FastifyRequest, reply: FastifyReply) => {
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
    if (problems.length > 0) return problemsPage(request, reply, signedIn, problems);
    const refused = await refusal(request, signedIn, authorize);
    if (refused) return refusalPage(request, reply, signedIn, refused.status, refused.message);
    // Step-up before the screen, so nobody fills it in only to be sent away.
    if (stale(signedIn))
      return reply.redirect(`/login/reauth?redirect_to=${encodeURIComponent(request.url)}`, 302);
    return screen(request, reply, signedIn, authorize, request.url.split('?')[0]!, {
      name: sanitizeApplicationPasswordName(authorize.appName),
      scope: authorize.scope ?? 'full',
      expires: '',
    });
  };

  const submit = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0]!;
    const body = (request.body ?? {}) as Record<string, unknown>;
    // The request as the app made it: the form's hidden fields, with the scope it asked for.
    const asked: Record<string, unknown> = { ...body, scope: body.requested_scope };
    const signedIn = await sessionOf(ctx, request);
    if (!signedIn || signedIn.session.enrolmentOnly) {
      const again = new URLSearchParams();
      for (const name of [
        'app_name',
        'app_id',
        'success_url',
        'reject_url',
        'scope',
        'response_type',
        'code_challenge',
      ])
        if (str(asked[name]) !== '') again.set(name, str(asked[name]));
      const back = `${path}?${again.toString()}`;
      return reply.redirect(
        signedIn ? '/account/two-factor' : `/login?redirect_to=${encodeURIComponent(back)}`,
        303,
      );
    }
    assertFormCsrf(ctx, request, signedIn);
    // Validated again: WordPress trusts these hidden fields on its no-JS POST, so a forged
    // form could send the password to javascript: or to any http host.
    const { request: authorize, problems } = parseAuthorizeRequest(asked, ctx.config.env);
    if (problems.length > 0) return problemsPage(request, reply, signedIn, problems);
    const refused = await refusal(request, signedIn, authorize);
    if (refused) return refusalPage(request, reply, signedIn, refused.status, refused.message);

    const approve = body.approve !== undefined && body.reject === undefined;
    if (!approve)
      return reply.header('cache-control', 'no-store').redirect(rejectDestination(authorize), 302);

    const screenUrl = `${path}?${authorizeQuery(authorize)}`;
    if (stale(signedIn))
      return reply.redirect(`/login/reauth?redirect_to=${encodeURIComponent(screenUrl)}`, 303);

    const values = { name: str(body.app_name), scope: str(body.scope), expires: str(body.expires) };
    const name = sanitizeApplicationPasswordName(values.name);
    if (name === '')
      return screen(request, reply, signedIn, authorize, path, {
        ...values,
        error: 'An application name is required to create an application password.',
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
        return screen(request, reply, signedIn, authorize, path, {
          ...values,
          error: error.detail,
        });
      throw error;
    }

    const owner = signedIn.user;
    const created = await createApplicationPassword(
      ctx.db,
      {
        userId: owner.id,
        name,
        appId: authorize.appId,
        scope: limits.scope,
        expires: limits.expires,
      },
      ctx.now(),
    );
    await recordAuditEvent(
      ctx.db,
      {
        event: 'app_password.created',
        userId: owner.id,
        ip: clientIp(request),
        userAgent: str(request.headers['user-agent']),
        credential: `session:${signedIn.session.id}`,
        details: {
          by: owner.id,
          uuid: created.record.uuid,
          name,
          app_id: authorize.appId,
          scope: limits.scope,
          via: 'authorize_application',
        },
      },
      ctx.now(),
    );
    await notifyApplicationPasswordCreated(ctx, request, owner, created.record);

    if (authorize.successUrl) {
      const secret =
        authorize.responseType === 'code'
          ? await issueAuthorizeCode(
              ctx.db,
              ctx.keys.codes,
              {
                userId: owner.id,
                appPasswordUuid: created.record.uuid,
                password: created.password,
                appId: authorize.appId,
                successUrl: authorize.successUrl,
                codeChallenge: authorize.codeChallenge,
              },
              ctx.now(),
            )
          : created.password;
      return reply.header('cache-control', 'no-store').redirect(
        approveDestination(authorize, {
          siteUrl: ctx.config.siteUrl,
          userLogin: owner.login,
          secret,
        }),
        302,
      );
    }
    // No success_url: shown in this response only, never in a URL, never stored.
    return sendPage(
      ctx,
      request,
      reply,
      { title: 'New application password', signedIn },
      (): Html => html`<h1>New application password</h1>
        <p>The application password <strong>${name}</strong> was created for ${owner.login}.</p>
        <p class="error" role="alert"><strong>Copy it now: it will not be shown again.</strong> Spaces are optional when you type it.</p>
        <p><code id="new-application-password" class="secret">${created.chunked}</code>
          <button type="button" class="secondary" data-copy-target="new-application-password" id="copy-application-password">Copy</button>
          <span class="muted" data-copy-status="new-application-password" aria-live="polite"></span></p>
        <p>Enter it with the username <code>${owner.login}</code> in the application.</p>
        <p><a href="/account#application-passwords">Done</a></p>`,
    );
  };

  for (const path of AUTHORIZE_PATHS) {
    app.get(path, show);
    app.post(path, submit);
  }
}
