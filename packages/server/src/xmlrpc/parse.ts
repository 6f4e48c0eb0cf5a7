import { createRequire } from 'node:module';
import type * as FastXmlParser from 'fast-xml-parser';
import { invalidRequest, parseError } from './faults.js';
import { newStruct, parseDateTime, type XmlRpcStruct, type XmlRpcValue } from './values.js';

/** How deeply values may nest (arrays and structs inside each other). */
export const MAX_VALUE_DEPTH = 32;

/**
 * Elements the parser follows at most: a value level costs up to four (`value`, `struct`,
 * `member`, `value`), so this is well above what MAX_VALUE_DEPTH allows and stops silly
 * documents before they cost anything.
 */
const MAX_ELEMENT_DEPTH = 4 * MAX_VALUE_DEPTH + 16;

export interface MethodCall {
  methodName: string;
  params: XmlRpcValue[];
}

/** fast-xml-parser's ordered output: one key per element (its name), or text / CDATA. */
type Node = { [name: string]: Node[] | string | undefined };

const TEXT = '#text';
const CDATA = '#cdata';

const require = createRequire(import.meta.url);
/** Required at the first XML-RPC call (the REST API and the pages never need it). */
let xml: typeof FastXmlParser | undefined;
const fxp = () => (xml ??= require('fast-xml-parser') as typeof FastXmlParser);
let made: FastXmlParser.XMLParser | undefined;
const parser = () =>
  (made ??= new (fxp().XMLParser)({
    preserveOrder: true,
    // Entities are decoded here, for the five predefined ones and character references only:
    // nothing from a DTD is ever expanded (and DTDs are refused before parsing anyway).
    processEntities: false,
    htmlEntities: false,
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: false,
    cdataPropName: CDATA,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: MAX_ELEMENT_DEPTH,
  }));

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Characters XML 1.0 allows (anything else, NUL first, never reaches the store). */
const isXmlChar = (c: number) =>
  c === 0x9 ||
  c === 0xa ||
  c === 0xd ||
  (c >= 0x20 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd) ||
  (c >= 0x10000 && c <= 0x10ffff);

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&\s]{0,16});/g, (_all, name: string) => {
    const predefined = PREDEFINED[name];
    if (predefined !== undefined) return predefined;
    const m = /^#(?:x([0-9a-f]{1,6})|(\d{1,7}))$/i.exec(name);
    if (m) {
      const code = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
      if (isXmlChar(code)) return String.fromCodePoint(code);
    }
    throw parseError(`unknown or invalid entity &${name};`);
  });
}

const nameOf = (node: Node): string | undefined => Object.keys(node).find((k) => k !== ':@');

/** The text of an element: its text and CDATA children, entities decoded in the former. */
function textOf(children: Node[]): string {
  let out = '';
  for (const child of children) {
    const name = nameOf(child);
    if (name === TEXT) out += decodeEntities(String(child[TEXT] ?? ''));
    else if (name === CDATA) out += textOf((child[CDATA] as Node[] | undefined) ?? []);
    else throw invalidRequest(`Unexpected element <${name}> in text.`);
  }
  return out;
}

/** Element children, skipping whitespace between them; other text is an error. */
function elementsOf(children: Node[], where: string): Array<{ name: string; children: Node[] }> {
  const out: Array<{ name: string; children: Node[] }> = [];
  for (const child of children) {
    const name = nameOf(child);
    if (name === undefined) continue;
    if (name === TEXT || name === CDATA) {
      const text = name === TEXT ? String(child[TEXT] ?? '') : textOf(child[CDATA] as Node[]);
      if (text.trim() !== '') throw invalidRequest(`Unexpected text in <${where}>.`);
      continue;
    }
    out.push({ name, children: (child[name] as Node[] | undefined) ?? [] });
  }
  return out;
}

const INT = /^[+-]?\d{1,20}$/;
const DOUBLE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function scalar(type: string, text: string): XmlRpcValue {
  switch (type) {
    case 'string':
      return text;
    case 'int':
    case 'i4':
    case 'i8': {
      const n = Number(text.trim());
      if (!INT.test(text.trim()) || !Number.isSafeInteger(n))
        throw invalidRequest(`<${type}> holds no integer.`);
      return n;
    }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (t === '1' || t === 'true') return true;
      if (t === '0' || t === 'false') return false;
      throw invalidRequest('<boolean> holds neither 0 nor 1.');
    }
    case 'double': {
      const n = Number(text.trim());
      if (!DOUBLE.test(text.trim()) || !Number.isFinite(n))
        throw invalidRequest('<double> holds no number.');
      return n;
    }
    case 'dateTime.iso8601': {
      // WordPress's "no date" (an undated draft's GMT date), which clients echo back: empty.
      if (/^\s*0000-?00-?00T00:00:00\s*$/.test(text)) return null;
      const date = parseDateTime(text);
      if (!date) throw invalidRequest('<dateTime.iso8601> holds no date.');
      return date;
    }
    case 'base64': {
      const compact = text.replace(/\s+/g, '');
      if (!BASE64.test(compact) || compact.length % 4 === 1)
        throw invalidRequest('<base64> holds no base64.');
      return Buffer.from(compact, 'base64');
    }
    default:
      throw invalidRequest(`Unknown type <${type}>.`);
  }
}

function value(children: Node[], depth: number): XmlRpcValue {
  if (depth > MAX_VALUE_DEPTH)
    throw invalidRequest(`Values nest deeper than ${MAX_VALUE_DEPTH} levels.`);
  const elements = children.filter((c) => {
    const n = nameOf(c);
    return n !== undefined && n !== TEXT && n !== CDATA;
  });
  // No type element: the text is a string, whitespace and all.
  if (elements.length === 0) return textOf(children);
  const [typed] = elementsOf(children, 'value');
  if (elements.length > 1 || !typed) throw invalidRequest('A <value> holds more than one type.');
  const { name, children: inner } = typed;
  switch (name) {
    case 'struct': {
      const struct: XmlRpcStruct = newStruct();
      for (const member of elementsOf(inner, 'struct')) {
        if (member.name !== 'member')
          throw invalidRequest(`Unexpected <${member.name}> in <struct>.`);
        const parts = elementsOf(member.children, 'member');
        const nameEl = parts.find((p) => p.name === 'name');
        const valueEl = parts.find((p) => p.name === 'value');
        if (!nameEl || !valueEl || parts.length !== 2)
          throw invalidRequest('A <member> needs one <name> and one <value>.');
        struct[textOf(nameEl.children)] = value(valueEl.children, depth + 1);
      }
      return struct;
    }
    case 'array': {
      const [data, ...rest] = elementsOf(inner, 'array');
      if (!data || data.name !== 'data' || rest.length > 0)
        throw invalidRequest('An <array> needs one <data>.');
      return elementsOf(data.children, 'data').map((v) => {
        if (v.name !== 'value') throw invalidRequest(`Unexpected <${v.name}> in <data>.`);
        return value(v.children, depth + 1);
      });
    }
    case 'nil':
    case 'ex:nil':
      return null;
    default:
      return scalar(name, textOf(inner));
  }
}

/** The document's text, decoded as its declaration says (UTF-8 unless it names Latin-1). */
function documentText(body: Buffer | string): string {
  if (typeof body === 'string') return body.replace(/^\uFEFF/, '');
  const head = body.subarray(0, 100).toString('latin1');
  const encoding = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase();
  const latin1 = encoding === 'iso-8859-1' || encoding === 'latin1' || encoding === 'us-ascii';
  return body.toString(latin1 ? 'latin1' : 'utf8').replace(/^\uFEFF/, '');
}

/**
 * Parses a `<methodCall>`. Refuses, with a fault and before any parsing, documents that declare
 * a DTD or entities (billion laughs, external entities); then checks well-formedness, nesting
 * and every value's type.
 */
export function parseMethodCall(body: Buffer | string | undefined): MethodCall {
  const text = documentText(body ?? '');
  if (text.trim() === '') throw parseError('empty request.');
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text))
    throw parseError('DOCTYPE and ENTITY declarations are not accepted.');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x9 && c !== 0xa && c !== 0xd)
      throw parseError('control characters are not allowed.');
  }
  const valid = fxp().XMLValidator.validate(text);
  if (valid !== true) throw parseError(valid.err.msg);
  let nodes: Node[];
  try {
    nodes = parser().parse(text) as Node[];
  } catch (error) {
    if (error instanceof Error && /nested/i.test(error.message))
      throw invalidRequest(`Elements nest too deeply.`);
    throw parseError(error instanceof Error ? error.message : 'unreadable document.');
  }
  const roots = elementsOf(nodes, 'document');
  const root = roots[0];
  if (!root || roots.length !== 1 || root.name !== 'methodCall')
    throw invalidRequest('The request must be a <methodCall>.');
  const parts = elementsOf(root.children, 'methodCall');
  const nameEl = parts.find((p) => p.name === 'methodName');
  if (!nameEl) throw invalidRequest('The <methodCall> has no <methodName>.');
  const methodName = textOf(nameEl.children).trim();
  if (!/^[A-Za-z0-9_.:/]{1,128}$/.test(methodName))
    throw invalidRequest('The method name is not valid.');
  const paramsEl = parts.find((p) => p.name === 'params');
  if (parts.some((p) => p.name !== 'methodName' && p.name !== 'params'))
    throw invalidRequest('Unexpected element in <methodCall>.');
  const params = paramsEl
    ? elementsOf(paramsEl.children, 'params').map((param) => {
        if (param.name !== 'param') throw invalidRequest(`Unexpected <${param.name}> in <params>.`);
        const [v, ...rest] = elementsOf(param.children, 'param');
        if (!v || v.name !== 'value' || rest.length > 0)
          throw invalidRequest('A <param> needs one <value>.');
        return value(v.children, 1);
      })
    : [];
  return { methodName, params };
}

export type MethodResponse =
  { fault: { faultCode: number; faultString: string } } | { value: XmlRpcValue };

/** Parses a `<methodResponse>` (for tests and tools that talk to XML-RPC servers). */
export function parseMethodResponse(text: string): MethodResponse {
  const valid = fxp().XMLValidator.validate(text);
  if (valid !== true) throw parseError(valid.err.msg);
  const [root] = elementsOf(parser().parse(text) as Node[], 'document');
  if (!root || root.name !== 'methodResponse') throw invalidRequest('Not a <methodResponse>.');
  const [part] = elementsOf(root.children, 'methodResponse');
  if (part?.name === 'fault') {
    const [v] = elementsOf(part.children, 'fault');
    const struct = value(v?.children ?? [], 1) as XmlRpcStruct;
    return {
      fault: {
        faultCode: Number(struct.faultCode),
        faultString: String(struct.faultString),
      },
    };
  }
  const [param] = elementsOf(part?.children ?? [], 'params');
  const [v] = elementsOf(param?.children ?? [], 'param');
  return { value: value(v?.children ?? [], 1) };
}
