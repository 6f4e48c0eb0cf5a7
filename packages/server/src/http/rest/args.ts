import { HttpError } from '../errors.js';

/** The JSON Schema types WordPress's REST API coerces parameters to. */
export type ArgType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null';

/** A subset of WordPress's REST argument schema: enough to validate and to publish in the index. */
export interface ArgSpec {
  /** One type, or a list tried in order (WordPress's union types, e.g. `['string', 'null']`). */
  type: Exclude<ArgType, 'null'> | readonly ArgType[];
  description?: string;
  required?: boolean;
  default?: unknown;
  enum?: readonly (string | number)[];
  format?: 'email' | 'uri' | 'uuid' | 'date-time';
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  /** A regular expression the whole value must match somewhere (WordPress: `preg_match`). */
  pattern?: string;
  items?: { type: 'string' | 'integer'; enum?: readonly string[] };
  /** Applies only to these methods (defaults: every method of the endpoint). */
}

export type ArgSpecs = Record<string, ArgSpec>;

/*
 * What validateArgs hands a handler, derived from the specs, so that a handler reads
 * `req.args.page` as a number without a cast. Keep these in step with coerceOne below.
 * Enums narrow when the spec keeps its literals (`as const`, or inline in restEndpoint()).
 */
type Enumerated<S, Base> = S extends { enum: readonly (infer E)[] } ? Extract<E, Base> : Base;
type ItemValue<I> = I extends { type: 'integer' } ? number : Enumerated<I, string>;
type TypeValue<T, S> = T extends 'string'
  ? Enumerated<S, string>
  : T extends 'integer' | 'number'
    ? Enumerated<S, number>
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'object'
          ? Record<string, unknown>
          : T extends 'array'
            ? S extends { items: infer I }
              ? ItemValue<I>[]
              : unknown[]
            : never;
type Coerced<S extends ArgSpec> = TypeValue<
  S['type'] extends readonly (infer T)[] ? T : S['type'],
  S
>;
type Relaxed<V> = V extends (infer E)[] ? readonly E[] : V;
/** A default is used as it stands, uncoerced: one of another type (search's `subtype: 'any'`) stays visible. */
type Defaulted<S, V> = S extends { default: infer D } ? (D extends Relaxed<V> ? never : D) : never;
type Given<S> = S extends { required: true }
  ? true
  : S extends { default: infer D }
    ? undefined extends D
      ? false
      : true
    : false;

/** The value of one validated argument: undefined unless it is required or has a default. */
export type ArgValue<S extends ArgSpec> =
  Coerced<S> | Defaulted<S, Coerced<S>> | (Given<S> extends true ? never : undefined);

/** The validated arguments of an endpoint declared with these specs. */
export type ArgValues<S extends ArgSpecs> = {
  -readonly [K in keyof S]: ArgValue<Exclude<S[K], undefined>>;
};

interface Problem {
  code: string;
  message: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function coerce(
  name: string,
  spec: ArgSpec,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; problem: Problem } {
  const types = Array.isArray(spec.type) ? spec.type : [spec.type];
  let lastProblem: Problem = {
    code: 'rest_invalid_type',
    message: `${name} is not of type ${types.join(',')}.`,
  };
  for (const type of types) {
    const result = coerceOne(name, spec, type, value);
    if (result.ok) return result;
    lastProblem = result.problem;
  }
  return { ok: false, problem: lastProblem };
}

function coerceOne(
  name: string,
  spec: ArgSpec,
  type: string,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; problem: Problem } {
  const invalidType: Problem = {
    code: 'rest_invalid_type',
    message: `${name} is not of type ${type}.`,
  };
  switch (type) {
    case 'null':
      return value === null || value === ''
        ? { ok: true, value: null }
        : { ok: false, problem: invalidType };
    case 'boolean': {
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 'true' || value === '1' || value === 1) return { ok: true, value: true };
      if (value === 'false' || value === '0' || value === 0 || value === '')
        return { ok: true, value: false };
      return { ok: false, problem: invalidType };
    }
    case 'integer':
    case 'number': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())
            ? Number(value)
            : NaN;
      if (!Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n)))
        return { ok: false, problem: invalidType };
      if (
        (spec.minimum !== undefined && n < spec.minimum) ||
        (spec.maximum !== undefined && n > spec.maximum)
      ) {
        const range =
          spec.minimum !== undefined && spec.maximum !== undefined
            ? `between ${spec.minimum} (inclusive) and ${spec.maximum} (inclusive)`
            : spec.minimum !== undefined
              ? `greater than or equal to ${spec.minimum}`
              : `less than or equal to ${spec.maximum}`;
        return {
          ok: false,
          problem: { code: 'rest_out_of_bounds', message: `${name} must be ${range}` },
        };
      }
      return checkEnum(name, spec, n);
    }
    case 'string': {
      // WordPress's `is_string` check: a JSON number is not a string (form and query values
      // always arrive as strings, so this only refuses typed JSON bodies).
      if (typeof value !== 'string') return { ok: false, problem: invalidType };
      const s = value;
      if (spec.minLength !== undefined && [...s].length < spec.minLength) {
        return {
          ok: false,
          problem: {
            code: 'rest_too_short',
            message: `${name} must be at least ${spec.minLength} character${spec.minLength === 1 ? '' : 's'} long.`,
          },
        };
      }
      if (spec.maxLength !== undefined && [...s].length > spec.maxLength) {
        return {
          ok: false,
          problem: {
            code: 'rest_too_long',
            message: `${name} must be at most ${spec.maxLength} characters long.`,
          },
        };
      }
      if (spec.pattern !== undefined && !new RegExp(spec.pattern, 'u').test(s))
        return {
          ok: false,
          problem: {
            code: 'rest_invalid_pattern',
            message: `${name} does not match pattern ${spec.pattern}.`,
          },
        };
      if (spec.format === 'uuid' && s !== '' && !UUID.test(s))
        return {
          ok: false,
          problem: { code: 'rest_invalid_uuid', message: `${name} is not a valid UUID.` },
        };
      if (spec.format === 'email' && !/^[^\s@]+@[^\s@]+$/.test(s))
        return {
          ok: false,
          problem: { code: 'rest_invalid_email', message: 'Invalid email address.' },
        };
      if (spec.format === 'uri' && s !== '' && !URL.canParse(s))
        return { ok: false, problem: { code: 'rest_invalid_uri', message: 'Invalid URL.' } };
      return checkEnum(name, spec, s);
    }
    case 'array': {
      const list = Array.isArray(value)
        ? value
        : typeof value === 'string'
          ? value.split(/[\s,]+/).filter(Boolean)
          : null;
      if (!list) return { ok: false, problem: invalidType };
      const out: unknown[] = [];
      for (const [i, item] of list.entries()) {
        const r = spec.items
          ? coerceOne(
              `${name}[${i}]`,
              { type: spec.items.type, ...(spec.items.enum ? { enum: spec.items.enum } : {}) },
              spec.items.type,
              item,
            )
          : { ok: true as const, value: item };
        if (!r.ok) return r;
        out.push(r.value);
      }
      return { ok: true, value: out };
    }
    case 'object':
      return value && typeof value === 'object' && !Array.isArray(value)
        ? { ok: true, value }
        : { ok: false, problem: invalidType };
    default:
      return { ok: false, problem: invalidType };
  }
}

function checkEnum(
  name: string,
  spec: ArgSpec,
  value: string | number,
): { ok: true; value: unknown } | { ok: false; problem: Problem } {
  if (spec.enum && !spec.enum.includes(value)) {
    return {
      ok: false,
      problem: {
        code: 'rest_not_in_enum',
        message: `${name} is not one of ${spec.enum.join(', ')}.`,
      },
    };
  }
  return { ok: true, value };
}

/**
 * Validates and coerces the merged request parameters against the specs, in WordPress's
 * order: all missing required parameters first, then all invalid ones.
 */
export function validateArgs(
  specs: ArgSpecs,
  input: Record<string, unknown>,
): Record<string, unknown> {
  const missing = Object.entries(specs)
    .filter(([name, spec]) => spec.required && (input[name] === undefined || input[name] === null))
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new HttpError(
      400,
      'rest_missing_callback_param',
      `Missing parameter(s): ${missing.join(', ')}`,
      { params: missing },
    );
  }
  const out: Record<string, unknown> = { ...input };
  const params: Record<string, string> = {};
  const details: Record<string, { code: string; message: string; data: null }> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = input[name];
    if (value === undefined) {
      if (spec.default !== undefined) out[name] = spec.default;
      continue;
    }
    const result = coerce(name, spec, value);
    if (result.ok) out[name] = result.value;
    else {
      params[name] = result.problem.message;
      details[name] = { ...result.problem, data: null };
    }
  }
  const invalid = Object.keys(params);
  if (invalid.length > 0) {
    throw new HttpError(400, 'rest_invalid_param', `Invalid parameter(s): ${invalid.join(', ')}`, {
      params,
      details,
    });
  }
  return out;
}

/** The spec as the index publishes it. */
export function describeArgs(specs: ArgSpecs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs))
    out[name] = { ...spec, required: spec.required ?? false };
  return out;
}
