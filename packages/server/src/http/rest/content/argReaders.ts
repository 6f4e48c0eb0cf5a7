import { parseRestDate } from '../../../content/index.js';
import { HttpError } from '../../errors.js';
import { validateArgs, type ArgSpecs } from '../args.js';
import type { RestRequest } from '../registry.js';

/** Title, content, excerpt…: WordPress takes a string or `{ raw }`. */
export function textArg(req: RestRequest, name: string): string | undefined {
  const value = req.args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return withoutNul(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && !Array.isArray(value)) {
    const raw = (value as Record<string, unknown>).raw;
    if (raw === undefined) return undefined;
    if (typeof raw === 'string') return withoutNul(raw);
  }
  throw invalidParam(name, `${name} is not of type string.`, 'rest_invalid_type');
}

export function invalidParam(
  name: string,
  message: string,
  code = 'rest_invalid_param',
): HttpError {
  return new HttpError(400, 'rest_invalid_param', `Invalid parameter(s): ${name}`, {
    params: { [name]: message },
    details: { [name]: { code, message, data: null } },
  });
}

/** A REST date argument as epoch ms; `null` when the client sent null (reset). */
export function dateArg(
  req: RestRequest,
  name: string,
  timeZone: string,
): number | null | undefined {
  const value = req.args[name];
  if (value === undefined) return undefined;
  if (value === null) return null;
  const ms = typeof value === 'string' ? parseRestDate(value, timeZone) : undefined;
  if (ms === undefined) throw invalidParam(name, 'Invalid date.', 'rest_invalid_date');
  return ms;
}

/**
 * PHP-style array parameters (`categories[]=1&categories[]=2`), which WordPress clients send in
 * forms and query strings, validated like the plain name.
 */
export function bracketArrayArgs(req: RestRequest, specs: ArgSpecs): void {
  for (const [key, value] of Object.entries(req.args)) {
    if (!key.endsWith('[]')) continue;
    const name = key.slice(0, -2);
    const spec = specs[name];
    if (!spec || (req.args[name] !== undefined && req.args[name] !== spec.default)) continue;
    Object.assign(req.args, validateArgs({ [name]: spec }, { [name]: value }));
  }
}

export const idOf = (req: RestRequest): number => {
  const n = Number(req.args.id);
  return Number.isSafeInteger(n) ? n : 0;
};

/** PostgreSQL refuses NUL in text; it never belongs in content anyway. */
export const withoutNul = (text: string) => text.replaceAll('\u0000', '');

const INT4_MAX = 2_147_483_647;

/**
 * The integer list of an array argument, or undefined when absent or empty. Ids beyond the
 * database's integer range become -1, which matches nothing (PostgreSQL would refuse them).
 */
export const intList = (value: unknown): number[] | undefined =>
  Array.isArray(value) && value.length > 0
    ? value.map((v) => {
        const n = Number(v);
        return Number.isSafeInteger(n) && Math.abs(n) <= INT4_MAX ? n : -1;
      })
    : undefined;

export const stringList = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.length > 0 ? value.map((v) => withoutNul(String(v))) : undefined;

/** A string argument without NUL, or undefined. */
export const stringArg = (req: RestRequest, name: string): string | undefined =>
  typeof req.args[name] === 'string' ? withoutNul(req.args[name]) : undefined;

/** DELETE's `force` on posts, pages and media: WordPress trashes unless asked not to. */
export const FORCE_DELETE_ARG = {
  force: {
    type: 'boolean',
    default: false,
    description: 'Whether to bypass Trash and force deletion.',
  },
} as const satisfies ArgSpecs;
