import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readSettings } from '../../settings/index.js';
import {
  SettingsError,
  applySettingsChange,
  publicSettings,
  type PublicSettings,
  type SettingName,
} from '../../settings/applySettingsChange.js';
import { assertFormCsrf, type SignedIn } from '../browserAuth.js';
import type { AppContext } from '../../context.js';
import { settingsForm } from './adminSettingsForm.js';
import { formFields, formList, formText } from './formFields.js';
import { pageOrigin } from './pageAudit.js';
import { noticeFor, sendPage } from './render.js';
import { requireCapability } from './requireCapability.js';

const REFUSAL = 'Sorry, you are not allowed to manage the site settings.';

const NOTICES = {
  saved: 'Settings saved.',
  unchanged: 'Nothing changed.',
};

/** The form's fields, named like `wp/v2/settings`, turned into the values the REST route takes. */
function formInput(body: Record<string, unknown>): Record<SettingName, unknown> {
  return {
    title: formText(body.title),
    description: formText(body.description),
    timezone: formText(body.timezone),
    latchkey_email_fallback: body.latchkey_email_fallback !== undefined,
    latchkey_required_two_factor_roles: formList(body.latchkey_required_two_factor_roles),
    latchkey_application_passwords: body.latchkey_application_passwords !== undefined,
    latchkey_application_passwords_disabled_roles: formList(
      body.latchkey_application_passwords_disabled_roles,
    ),
    latchkey_xmlrpc: body.latchkey_xmlrpc !== undefined,
    latchkey_xmlrpc_account_passwords: body.latchkey_xmlrpc_account_passwords !== undefined,
    users_can_register: body.users_can_register !== undefined,
    // Absent (a form from before the field existed): left as it is.
    default_role: body.default_role === undefined ? undefined : formText(body.default_role),
  };
}

/** `/admin/settings`: the same settings and rules as `wp/v2/settings`, as a form. */
export function registerAdminSettingsPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/admin/settings', async (request, reply) => {
    const signedIn = await requireCapability(ctx, request, reply, 'manage_options', REFUSAL);
    if (!signedIn) return reply;
    const values = publicSettings(await readSettings(ctx.db));
    return showSettingsPage(ctx, request, reply, signedIn, values);
  });

  app.post('/admin/settings', async (request, reply) => {
    const signedIn = await requireCapability(ctx, request, reply, 'manage_options', REFUSAL);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const input = formInput(formFields(request));
    try {
      const result = await applySettingsChange({
        db: ctx.db,
        invalidation: ctx.invalidation,
        actor: signedIn.user,
        actorUsesTwoFactor: () => ctx.twoFactor.usesTwoFactor(signedIn.user),
        input,
        audit: pageOrigin(request, signedIn),
        now: ctx.now(),
      });
      return reply.redirect(
        `/admin/settings?done=${result.changed.length > 0 ? 'saved' : 'unchanged'}`,
        303,
      );
    } catch (error) {
      if (error instanceof SettingsError)
        return showSettingsPage(ctx, request, reply, signedIn, input, error);
      throw error;
    }
  });
}

function showSettingsPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: SignedIn,
  values: Record<SettingName, unknown> | PublicSettings,
  problem?: SettingsError,
): Promise<FastifyReply> {
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
    (csrf) => settingsForm(csrf, values as Record<SettingName, unknown>, problem),
  );
}
