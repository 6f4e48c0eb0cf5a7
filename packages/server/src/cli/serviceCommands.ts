import { recordAuditEvent } from '../audit/index.js';
import {
  ServiceError,
  addService,
  findService,
  listServices,
  parseNewService,
  removeService,
  serviceShape,
} from '../services/index.js';
import type { Store } from '../store/index.js';
import { NotFound, UsageError } from './args.js';
import type { Output } from './userCommands.js';

export const SERVICE_FLAGS = {
  name: { type: 'string' },
  hosts: { type: 'string' },
  roles: { type: 'string' },
  capability: { type: 'string' },
  browser: { type: 'boolean' },
  'two-factor': { type: 'string' },
  scope: { type: 'string' },
} as const;

const cliActor = { ip: 'cli', userAgent: 'latchkey-cli', credential: 'cli' };

/**
 * `latchkey service add|list|remove`. The write is announced to running servers like every
 * other command-line change (cli/main.ts), so their services directories drop it in moments.
 */
export async function runServiceCommand(
  store: Store,
  sub: string | undefined,
  args: string[],
  values: Record<string, string | boolean | undefined>,
  out: Output,
): Promise<void> {
  const db = store.db;
  switch (sub) {
    case 'add': {
      const slug = args[0];
      if (!slug) throw new UsageError('missing <slug>');
      const hostList = (typeof values.hosts === 'string' ? values.hosts.split(',') : [])
        .map((h) => h.trim())
        .filter(Boolean);
      let parsed;
      try {
        parsed = parseNewService({
          slug,
          name: values.name ?? slug,
          hosts: hostList,
          roles: values.roles,
          capability: values.capability,
          browser: values.browser === true,
          two_factor: values['two-factor'] ?? 'if_enrolled',
          scope: values.scope,
        });
        const service = await addService(db, parsed, Date.now());
        await recordAuditEvent(db, {
          ...cliActor,
          event: 'service.created',
          userId: null,
          details: { slug: service.slug },
        });
        if (out.json) out.data(serviceShape(service));
        else
          out.print(
            `Added service "${service.name}" (${service.slug}) for ${serviceShape(service).hosts.join(', ')}.`,
          );
      } catch (error) {
        if (error instanceof ServiceError)
          throw new UsageError(`invalid --${error.param.replace('_', '-')}: ${error.detail}`);
        throw error;
      }
      return;
    }
    case 'list': {
      const services = (await listServices(db)).map(serviceShape);
      if (out.json) out.data(services);
      else if (services.length === 0) out.print('No services are registered.');
      else
        for (const s of services)
          out.print(
            `${s.slug}  ${s.name}  hosts ${s.hosts.join(',')}  roles ${s.roles.join(',') || 'any'}${s.capability ? `  capability ${s.capability}` : ''}  browser ${s.browser ? 'yes' : 'no'}  two-factor ${s.two_factor}  scope ${s.scope}`,
          );
      return;
    }
    case 'remove': {
      const slug = args[0];
      if (!slug) throw new UsageError('missing <slug>');
      const service = await findService(db, slug);
      if (!service || !(await removeService(db, slug)))
        throw new NotFound(`No service with the slug "${slug}".`);
      await recordAuditEvent(db, {
        ...cliActor,
        event: 'service.removed',
        userId: null,
        details: { slug },
      });
      if (out.json) out.data({ deleted: true, previous: serviceShape(service) });
      else out.print(`Removed service "${service.name}" (${slug}).`);
      return;
    }
    default:
      throw new UsageError(`unknown command "service ${sub ?? ''}": expected add, list or remove`);
  }
}
