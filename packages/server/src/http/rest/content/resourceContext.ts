import type { AppContext } from '../../../context.js';
import type { ArgSpecs } from '../args.js';
import { apiRoot } from '../dispatch.js';
import type { RestRequest } from '../registry.js';

export type Context = 'view' | 'edit' | 'embed';

export const CONTEXT_ARG = {
  context: {
    type: 'string',
    description: 'Scope under which the request is made; determines fields present in response.',
    enum: ['view', 'embed', 'edit'],
    default: 'view',
  },
} as const satisfies ArgSpecs;

export const contextOf = (req: RestRequest): Context =>
  req.args.context === 'edit' || req.args.context === 'embed' ? req.args.context : 'view';

/** The `_links.curies` entry WordPress appends to every resource. */
export const CURIES = [{ name: 'wp', href: 'https://api.w.org/{rel}', templated: true }];

export const restUrl = (ctx: AppContext, route: string) => `${apiRoot(ctx)}${route}`;
