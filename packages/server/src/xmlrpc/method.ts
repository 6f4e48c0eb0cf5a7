import type { AppContext } from '../context.js';
import type { ScopeTier } from '../scopes/index.js';
import { invalidParams, XmlRpcFault } from './faults.js';
import type { XmlRpcClient, XmlRpcLogin, XmlRpcPrincipal } from './login.js';
import {
  isStruct,
  newStruct,
  XmlRpcDateTime,
  type XmlRpcStruct,
  type XmlRpcValue,
} from './values.js';

/** One call being answered (a `system.multicall` makes several per request). */
export interface XmlRpcCall {
  ctx: AppContext;
  methodName: string;
  params: XmlRpcValue[];
  login: XmlRpcLogin;
  /** Who is asking (for the audit rows of methods that change settings). */
  client: XmlRpcClient;
  /** Runs another method of the table (for `system.multicall`). */
  invoke(methodName: string, params: XmlRpcValue[], nested: boolean): Promise<XmlRpcValue>;
  /** True inside a `system.multicall`. */
  nested: boolean;
}

export interface AuthenticatedCall extends XmlRpcCall {
  principal: XmlRpcPrincipal;
}

interface MethodBase {
  /**
   * What an application password's scope must include (SPEC §5): `content` for posts, pages,
   * terms, media and one's own profile; `full` for everything else.
   */
  tier: ScopeTier;
  /** Fewer parameters than this → fault 400, as WordPress's `minimum_args`. */
  minArgs: number;
}

export interface PublicMethod extends MethodBase {
  credentials: null;
  handler(call: XmlRpcCall): Promise<XmlRpcValue>;
}

export interface AuthenticatedMethod extends MethodBase {
  /** Positions of the username and password among the parameters. */
  credentials: { user: number; password: number };
  handler(call: AuthenticatedCall): Promise<XmlRpcValue>;
}

export type XmlRpcMethod = PublicMethod | AuthenticatedMethod;

export type MethodTable = Record<string, XmlRpcMethod>;

/** WordPress's usual layout: `(blog_id, username, password, …)`. */
export const BLOG_USER_PASS = { user: 1, password: 2 } as const;

/** `(blog_id or app key, id, username, password, …)`: `wp.getPage`, `blogger.deletePost`. */
export const SECOND_USER_PASS = { user: 2, password: 3 } as const;

// Parameter readers: a wrong type is fault -32602; WordPress casts ids, so numeric strings do.

const describe = (index: number, name: string) => `Parameter ${index + 1} (${name})`;

export function stringParam(call: XmlRpcCall, index: number, name: string): string {
  const value = call.params[index];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw invalidParams(`${describe(index, name)} must be a string.`);
}

export function optionalStringParam(
  call: XmlRpcCall,
  index: number,
  name: string,
): string | undefined {
  return absentParam(call, index) ? undefined : stringParam(call, index, name);
}

/** Ids and counts: an `<int>` or a string of digits. */
export function intParam(call: XmlRpcCall, index: number, name: string): number {
  const value = call.params[index];
  const n = toInt(value);
  if (n === undefined) throw invalidParams(`${describe(index, name)} must be an integer.`);
  return n;
}

export function optionalIntParam(
  call: XmlRpcCall,
  index: number,
  name: string,
): number | undefined {
  return absentParam(call, index) ? undefined : intParam(call, index, name);
}

/** `fields` of the `wp.get*` methods: a list of names, or WordPress's defaults when left out. */
export function fieldsParam(call: XmlRpcCall, index: number, defaults: string[]): string[] {
  return absentParam(call, index)
    ? defaults
    : arrayParam(call, index, 'fields').map((f) => String(f));
}

export function toInt(value: XmlRpcValue | undefined): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\s*[+-]?\d{1,15}\s*$/.test(value)) return Number(value);
  return undefined;
}

/**
 * Whether an optional parameter was left out. A `<nil/>` counts as left out, as PHP's `isset`
 * and `??` treat null in WordPress's methods.
 */
export const absentParam = (call: XmlRpcCall, index: number): boolean =>
  call.params[index] === undefined || call.params[index] === null;

export function structParam(call: XmlRpcCall, index: number, name: string): XmlRpcStruct {
  const value = call.params[index];
  if (value === undefined || value === null) return newStruct();
  if (isStruct(value)) return value;
  throw invalidParams(`${describe(index, name)} must be a struct.`);
}

export function arrayParam(call: XmlRpcCall, index: number, name: string): XmlRpcValue[] {
  const value = call.params[index];
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  throw invalidParams(`${describe(index, name)} must be an array.`);
}

/** PHP's truthiness for flags clients send as booleans, ints or strings. */
export function truthy(value: XmlRpcValue | undefined): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value !== '' && value !== '0';
  return value !== undefined && value !== null;
}

// Struct member readers: lenient like WordPress, but a member of a clearly wrong type faults.

export function memberString(struct: XmlRpcStruct, name: string): string | undefined {
  const value = struct[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.replaceAll('\u0000', '');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidParams(`Member ${name} must be a string.`);
}

export function memberInt(struct: XmlRpcStruct, name: string): number | undefined {
  const value = struct[name];
  if (value === undefined || value === null || value === '') return undefined;
  const n = toInt(value);
  if (n === undefined) throw invalidParams(`Member ${name} must be an integer.`);
  return n;
}

export function memberDate(struct: XmlRpcStruct, name: string): XmlRpcDateTime | undefined {
  const value = struct[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (value instanceof XmlRpcDateTime) return value;
  throw invalidParams(`Member ${name} must be a dateTime.iso8601.`);
}

export function memberList(struct: XmlRpcStruct, name: string): XmlRpcValue[] | undefined {
  const value = struct[name];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  // A single value where a list belongs (some clients do this) is a list of one.
  if (typeof value === 'string' || typeof value === 'number') return [value];
  throw invalidParams(`Member ${name} must be an array.`);
}

export { XmlRpcFault };
