import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerAccount } from '../../../account-links/index.js';
import { readSettings } from '../../../settings/index.js';
import { assertFormCsrf, sessionOf } from '../../browserAuth.js';
import { accountLinkDeps, linkOrigin } from '../../accountLinks.js';
import { addressLimitKey, clientIp } from '../../clientAddress.js';
import type { AppContext } from '../../../context.js';
import { html, type Html } from '../../html.js';
import { formField, type FieldError } from '../fieldError.js';
import { formFields, formText } from '../formFields.js';
import { sendPage } from '../render.js';
import { checkYourEmailPage, tooManyRequestsPage } from './linkPages.js';

export const REGISTER_PATH = '/register';

/** The one answer for a new account and for a taken login or address (SPEC §12). */
export const REGISTRATION_REQUESTED =
  'If that username and email address could be registered, we emailed a link to set your password. It works once, within 24 hours.';

/** `/register` (off unless `users_can_register`): login and email, then a mailed link. */
export function registerRegistration(app: FastifyInstance, ctx: AppContext): void {
  app.get(REGISTER_PATH, async (request, reply) => {
    if (!(await readSettings(ctx.db)).usersCanRegister) return closed(ctx, request, reply);
    return sendPage(ctx, request, reply, { title: 'Register' }, (csrf) =>
      registrationForm(csrf, { login: '', email: '' }),
    );
  });

  app.post(REGISTER_PATH, async (request, reply) => {
    const signedIn = await sessionOf(ctx, request);
    assertFormCsrf(ctx, request, signedIn);
    const settings = await readSettings(ctx.db);
    if (!settings.usersCanRegister) return closed(ctx, request, reply);
    const body = formFields(request);
    const values = {
      login: formText(body.user_login).slice(0, 60),
      email: formText(body.user_email).slice(0, 254),
    };
    const limit = await ctx.limiters.accountMail.address(addressLimitKey(clientIp(request)));
    if (!limit.allowed) return tooManyRequestsPage(ctx, request, reply, limit.retryAfterSeconds);
    const result = await registerAccount(accountLinkDeps(ctx), settings, {
      ...values,
      origin: linkOrigin(request, signedIn?.session.id),
    });
    if (!result.ok)
      return sendPage(ctx, request, reply, { title: 'Register', status: 400 }, (csrf) =>
        registrationForm(csrf, values, { field: result.field, text: result.problem }),
      );
    return checkYourEmailPage(ctx, request, reply, REGISTRATION_REQUESTED);
  });
}

function closed(ctx: AppContext, request: FastifyRequest, reply: FastifyReply) {
  return sendPage(
    ctx,
    request,
    reply,
    { title: 'Registration closed', status: 403 },
    () => html` <h1>Registration is closed</h1>
          <p class="error" role="alert" id="registration-closed">This site does not accept registrations. Ask an administrator for an invitation.</p>
          <p><a href="/login">Sign in</a></p>`,
  );
}

function registrationForm(
  csrf: string,
  values: { login: string; email: string },
  error?: FieldError,
): Html {
  return html` <h1>Register</h1>
      <p>Choose a username and give your email address. We email you a link to set your password.</p>
      <form class="stack" method="post" action="${REGISTER_PATH}" id="registerform" novalidate>
        <input type="hidden" name="_csrf" value="${csrf}" />
        ${formField({ id: 'user_login', name: 'user_login', label: 'Username', rule: LOGIN_RULE, error, control: (attrs) => html`<input type="text" ${attrs} autocomplete="username" maxlength="60" value="${values.login}" required ${error ? '' : html`autofocus`} />` })}
        ${formField({ id: 'user_email', name: 'user_email', label: 'Email', error, control: (attrs) => html`<input type="email" ${attrs} autocomplete="email" maxlength="254" value="${values.email}" required />` })}
        <div><button type="submit" id="wp-submit">Register</button></div>
      </form>
      <p><a href="/login">Already have an account? Sign in</a></p>`;
}

/** What a login may hold, shown before one is typed (accounts' isValidLogin). */
export const LOGIN_RULE = 'Letters, digits, spaces and _ . - @, at most 60 characters.';
