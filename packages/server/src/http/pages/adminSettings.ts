import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ROLE_LABELS, ROLE_NAMES, can } from '../../accounts/index.js';
import { readSettings } from '../../settings/index.js';
import {
  DESCRIPTION_MAX_LENGTH,
  SettingsError,
  TITLE_MAX_LENGTH,
  applySettingsChange,
  publicSettings,
  timezoneNames,
  type PublicSettings,
  type SettingName,
} from '../../settings/applySettingsChange.js';
import { assertFormCsrf, type SignedIn } from '../browserAuth.js';
import { clientIp } from '../clientAddress.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../errors.js';
import { html } from '../html.js';
import { noticeFor, requireSignedIn, sendPage } from './render.js';

const NOTICES = {
  saved: 'Settings saved.',
  unchanged: 'Nothing changed.',
};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
/** Checkbox groups arrive as one string, several, or nothing. */
const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : v ? [str(v)] : [];

/** The form's fields, named like `wp/v2/settings`, turned into the values the REST route takes. */
function formInput(body: Record<string, unknown>): Record<SettingName, unknown> {
  return {
    title: str(body.title),
    description: str(body.description),
    timezone: str(body.timezone),
    latchkey_email_fallback: body.latchkey_email_fallback !== undefined,
    latchkey_required_two_factor_roles: list(body.latchkey_required_two_factor_roles),
    latchkey_application_passwords: body.latchkey_application_passwords !== undefined,
    latchkey_application_passwords_disabled_roles: list(
      body.latchkey_application_passwords_disabled_roles,
    ),
    latchkey_xmlrpc: body.latchkey_xmlrpc !== undefined,
    latchkey_xmlrpc_account_passwords: body.latchkey_xmlrpc_account_passwords !== undefined,
  };
}

/** `/admin/settings`: the same settings and rules as `wp/v2/settings`, as a form. */
export function registerAdminSettingsPages(app: FastifyInstance, ctx: AppContext): void {
  const requireManager = async (request: FastifyRequest, reply: FastifyReply) => {
    const signedIn = await requireSignedIn(ctx, request, reply);
    if (!signedIn) return undefined;
    if (!can(signedIn.user, 'manage_options'))
      throw new HttpError(
        403,
        'rest_forbidden',
        'Sorry, you are not allowed to manage the site settings.',
      );
    return signedIn;
  };

  const show = (
    request: FastifyRequest,
    reply: FastifyReply,
    signedIn: SignedIn,
    values: Record<SettingName, unknown> | PublicSettings,
    problem?: SettingsError,
  ) => {
    const v = values as Record<SettingName, unknown>;
    const roles = (name: SettingName) => list(v[name]);
    const zone = str(v.timezone);
    const zones = timezoneNames();
    const invalid = (name: SettingName) => problem?.params[name];
    const fieldError = (name: SettingName) =>
      invalid(name) ? html`<span class="error">${invalid(name)}</span>` : '';
    const roleBoxes = (name: SettingName) =>
      ROLE_NAMES.map(
        (r) =>
          html`<label class="check"
            ><input type="checkbox" name="${name}" value="${r}" ${roles(name).includes(r) ? html`checked` : ''} />
            ${ROLE_LABELS[r]}</label
          >`,
      );
    return sendPage(
      ctx,
      request,
      reply,
      {
        title: 'Settings',
        status: problem ? 400 : 200,
        flash: problem
          ? { kind: 'error', text: problem.message }
          : noticeFor((request.query as Record<string, unknown>).done, NOTICES),
        signedIn,
      },
      (csrf) =>
        html` <p><a href="/admin/users">← Users</a></p>
          <h1>Settings</h1>
          <form class="stack" method="post" action="/admin/settings">
            <input type="hidden" name="_csrf" value="${csrf}" />
            <h2>Site</h2>
            <label
              >Site title
              <input type="text" name="title" value="${str(v.title)}" required maxlength="${TITLE_MAX_LENGTH}" />
              ${fieldError('title')}</label
            >
            <label
              >Tagline
              <input type="text" name="description" value="${str(v.description)}" maxlength="${DESCRIPTION_MAX_LENGTH}" />
              ${fieldError('description')}</label
            >
            <label
              >Timezone
              <select name="timezone">
                ${zones.includes(zone) ? '' : html`<option value="${zone}" selected>${zone}</option>`}
                ${zones.map((z) => html`<option value="${z}" ${z === zone ? html`selected` : ''}>${z}</option>`)}
              </select>
              ${fieldError('timezone')}</label
            >
            <h2>Two-factor authentication</h2>
            <label class="check"
              ><input type="checkbox" name="latchkey_email_fallback" value="1" ${v.latchkey_email_fallback === true ? html`checked` : ''} />
              Offer an emailed code at sign-in to two-factor users with a verified address (so a
              lost phone locks nobody out)</label
            >
            <fieldset>
              <legend>Require two-factor authentication for these roles</legend>
              ${roleBoxes('latchkey_required_two_factor_roles')}
              ${fieldError('latchkey_required_two_factor_roles')}
              <p class="muted">
                Members of these roles must set up a second factor right after their password
                before they can do anything else. Administrators can only be included once your
                own account has a second factor.
              </p>
            </fieldset>
            <h2>Application passwords</h2>
            <label class="check"
              ><input type="checkbox" name="latchkey_application_passwords" value="1" ${v.latchkey_application_passwords === true ? html`checked` : ''} />
              Application passwords work on this site</label
            >
            <fieldset>
              <legend>Members of these roles may not use application passwords</legend>
              ${roleBoxes('latchkey_application_passwords_disabled_roles')}
              ${fieldError('latchkey_application_passwords_disabled_roles')}
            </fieldset>
            <h2>XML-RPC</h2>
            <label class="check"
              ><input type="checkbox" name="latchkey_xmlrpc" value="1" ${v.latchkey_xmlrpc === true ? html`checked` : ''} />
              XML-RPC (<code>/xmlrpc.php</code>) answers authenticated methods</label
            >
            <label class="check"
              ><input type="checkbox" name="latchkey_xmlrpc_account_passwords" value="1" ${v.latchkey_xmlrpc_account_passwords === true ? html`checked` : ''} />
              XML-RPC accepts the account password of users without two-factor (otherwise only
              application passwords)</label
            >
            <button type="submit">Save settings</button>
          </form>`,
    );
  };

  app.get('/admin/settings', async (request, reply) => {
    const signedIn = await requireManager(request, reply);
    if (!signedIn) return reply;
    return show(request, reply, signedIn, publicSettings(await readSettings(ctx.db)));
  });

  app.post('/admin/settings', async (request, reply) => {
    const signedIn = await requireManager(request, reply);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const input = formInput((request.body ?? {}) as Record<string, unknown>);
    try {
      const result = await applySettingsChange({
        db: ctx.db,
        actor: signedIn.user,
        actorUsesTwoFactor: () => ctx.twoFactor.usesTwoFactor(signedIn.user),
        input,
        audit: {
          ip: clientIp(request),
          userAgent: str(request.headers['user-agent']),
          credential: `session:${signedIn.session.id}`,
        },
        now: ctx.now(),
      });
      return reply.redirect(
        `/admin/settings?done=${result.changed.length > 0 ? 'saved' : 'unchanged'}`,
        303,
      );
    } catch (error) {
      if (error instanceof SettingsError) return show(request, reply, signedIn, input, error);
      throw error;
    }
  });
}
