import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ROLE_LABELS, ROLE_NAMES } from '../../../accounts/index.js';
import { recordAuditEvent } from '../../../audit/index.js';
import type { AppContext } from '../../../context.js';
import {
  ServiceError,
  addService,
  findService,
  listServices,
  parseNewService,
  removeService,
  serviceShape,
} from '../../../services/index.js';
import { assertFormCsrf, type SignedIn } from '../../browserAuth.js';
import { HttpError } from '../../errors.js';
import { html, type Html } from '../../html.js';
import { formFields, formList, formText } from '../formFields.js';
import { pageOrigin } from '../pageAudit.js';
import { noticeFor, sendPage } from '../render.js';
import { requireCapability } from '../requireCapability.js';

const REFUSAL = 'Sorry, you are not allowed to manage the protected services.';
const NOTICES = { added: 'Service added.', removed: 'Service removed.' };

type FormValues = Record<string, unknown>;

/** `/admin/services`: the services forward authentication guards (SPEC §11). */
export function registerAdminServicePages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/admin/services', async (request, reply) => {
    const signedIn = await requireCapability(ctx, request, reply, 'manage_options', REFUSAL);
    if (!signedIn) return reply;
    return showServices(ctx, request, reply, signedIn, {});
  });

  app.post('/admin/services', async (request, reply) => {
    const signedIn = await requireCapability(ctx, request, reply, 'manage_options', REFUSAL);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    const body = formFields(request);
    const values: FormValues = {
      slug: formText(body.slug),
      name: formText(body.name),
      hosts: formText(body.hosts),
      roles: formList(body.roles),
      capability: formText(body.capability),
      browser: body.browser !== undefined,
      two_factor: formText(body.two_factor) || 'if_enrolled',
      scope: formText(body.scope) || 'full',
    };
    try {
      const service = await addService(ctx.db, parseNewService(values), ctx.now());
      await recordAuditEvent(
        ctx.db,
        {
          event: 'service.created',
          userId: signedIn.user.id,
          ...pageOrigin(request, signedIn),
          details: { slug: service.slug },
        },
        ctx.now(),
      );
      return reply.redirect('/admin/services?done=added', 303);
    } catch (error) {
      if (error instanceof ServiceError)
        return showServices(ctx, request, reply, signedIn, values, error);
      throw error;
    }
  });

  app.get('/admin/services/:slug/remove', async (request, reply) => {
    const signedIn = await requireCapability(ctx, request, reply, 'manage_options', REFUSAL);
    if (!signedIn) return reply;
    const service = await findService(ctx.db, (request.params as { slug: string }).slug);
    if (!service)
      throw new HttpError(404, 'latchkey_service_not_found', 'There is no such service.');
    const shape = serviceShape(service);
    return sendPage(
      ctx,
      request,
      reply,
      { title: `Remove ${service.name}`, signedIn },
      (csrf) => html`<p><a href="/admin/services">← Services</a></p>
        <h1>Remove “${service.name}”?</h1>
        <p>Requests to ${shape.hosts.join(', ')} will be refused (403) by /auth/verify as soon as
          it is removed. Application passwords limited to it keep their limit.</p>
        <form class="stack" method="post" action="/admin/services/${service.slug}/remove" id="remove-service-form">
          <input type="hidden" name="_csrf" value="${csrf}">
          <label class="check"><input type="checkbox" name="confirm" value="yes" required> Yes, remove ${service.slug}</label>
          <div class="actions"><button class="danger" type="submit" id="confirm-remove">Remove service</button>
          <a href="/admin/services">Cancel</a></div>
        </form>`,
    );
  });

  app.post('/admin/services/:slug/remove', async (request, reply) => {
    const signedIn = await requireCapability(ctx, request, reply, 'manage_options', REFUSAL);
    if (!signedIn) return reply;
    assertFormCsrf(ctx, request, signedIn);
    if (formText(formFields(request).confirm) !== 'yes')
      throw new HttpError(
        400,
        'latchkey_confirmation_required',
        'Tick the box to confirm that the service should be removed.',
      );
    const slug = (request.params as { slug: string }).slug;
    if (!(await removeService(ctx.db, slug)))
      throw new HttpError(404, 'latchkey_service_not_found', 'There is no such service.');
    await recordAuditEvent(
      ctx.db,
      {
        event: 'service.removed',
        userId: signedIn.user.id,
        ...pageOrigin(request, signedIn),
        details: { slug },
      },
      ctx.now(),
    );
    return reply.redirect('/admin/services?done=removed', 303);
  });
}

async function showServices(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: SignedIn,
  values: FormValues,
  problem?: ServiceError,
): Promise<FastifyReply> {
  const services = (await listServices(ctx.db)).map(serviceShape);
  return sendPage(
    ctx,
    request,
    reply,
    {
      title: 'Services',
      status: problem ? 400 : 200,
      flash: problem
        ? { kind: 'error', text: `${problem.message}: ${problem.detail}` }
        : noticeFor((request.query as Record<string, unknown>).done, NOTICES),
      signedIn,
    },
    (
      csrf,
    ) => html`<p><a href="/admin/users">← Users</a> · <a href="/admin/settings">Settings</a></p>
      <h1>Protected services</h1>
      <p class="muted">Your reverse proxy asks <code>${ctx.config.siteUrl}/auth/verify</code> about every
        request to these hosts; a host not listed here is refused. See docs/forward-auth.md.</p>
      ${
        services.length === 0
          ? html`<p class="muted" id="no-services">No services yet.</p>`
          : services.map(
              (s) => html`<section class="method" data-slug="${s.slug}">
          <h2>${s.name} <span class="tag">${s.slug}</span>${s.browser ? html` <span class="tag on">browser</span>` : ''}</h2>
          <p>Hosts: ${s.hosts.map((h, i) => html`${i > 0 ? ', ' : ''}<code>${h}</code>`)}</p>
          <p>Who may enter: ${s.roles.length > 0 ? s.roles.map((r) => ROLE_LABELS[r]).join(', ') : 'any role'}${s.capability ? html`, with <code>${s.capability}</code>` : ''}.
            Second factor: ${s.two_factor === 'required' ? 'required' : 'if enrolled'}.
            Application passwords: ${s.scope === 'content' ? 'content scope or full' : 'full scope only'}.</p>
          <p><a href="/admin/services/${s.slug}/remove" id="remove-${s.slug}">Remove…</a></p>
        </section>`,
            )
      }
      <h2>Add a service</h2>
      ${addForm(csrf, values)}`,
  );
}

function addForm(csrf: string, v: FormValues): Html {
  const roles = Array.isArray(v.roles) ? (v.roles as string[]) : [];
  return html`<form class="stack" method="post" action="/admin/services" id="add-service-form">
    <input type="hidden" name="_csrf" value="${csrf}">
    <label>Slug <input type="text" name="slug" id="service-slug" value="${formText(v.slug)}" required maxlength="64" pattern="[a-z0-9][a-z0-9-]*"></label>
    <label>Name <input type="text" name="name" id="service-name" value="${formText(v.name)}" required maxlength="200"></label>
    <label>Hosts (comma-separated; a path prefix is allowed: api.example.com/v1)
      <input type="text" name="hosts" id="service-hosts" value="${formText(v.hosts)}" required></label>
    <fieldset><legend>Roles admitted (none ticked: any role)</legend>
      ${ROLE_NAMES.map((r) => html`<label class="check"><input type="checkbox" name="roles" value="${r}" ${roles.includes(r) ? html`checked` : ''}> ${ROLE_LABELS[r]}</label>`)}
    </fieldset>
    <label>Capability required (optional) <input type="text" name="capability" id="service-capability" value="${formText(v.capability)}" maxlength="64"></label>
    <label class="check"><input type="checkbox" name="browser" value="1" id="service-browser" ${v.browser ? html`checked` : ''}> Browsers: accept the sign-in session and send signed-out visitors to sign in</label>
    <label>Second factor for people signed in with a browser
      <select name="two_factor" id="service-two-factor">
        <option value="if_enrolled" ${v.two_factor !== 'required' ? html`selected` : ''}>When they have one</option>
        <option value="required" ${v.two_factor === 'required' ? html`selected` : ''}>Required</option>
      </select></label>
    <label>Application passwords
      <select name="scope" id="service-scope">
        <option value="full" ${v.scope !== 'content' ? html`selected` : ''}>Full scope only</option>
        <option value="content" ${v.scope === 'content' ? html`selected` : ''}>Content scope too</option>
      </select></label>
    <button type="submit" id="add-service">Add service</button>
  </form>`;
}
