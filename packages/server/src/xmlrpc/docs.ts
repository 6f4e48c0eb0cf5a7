import type { MethodTable } from './method.js';

export const XMLRPC_TABLE_BEGIN =
  '<!-- xmlrpc-methods:begin (generated from the method table; the suite checks it) -->';
export const XMLRPC_TABLE_END = '<!-- xmlrpc-methods:end -->';

/** The XML-RPC methods with their tiers, as docs/api.md lists them. */
export function renderXmlRpcMethodTable(methods: MethodTable): string {
  const rows = ['| method | credentials | tier |', '|---|---|---|'];
  for (const name of Object.keys(methods).sort()) {
    const method = methods[name]!;
    rows.push(
      `| \`${name}\` | ${method.credentials ? 'yes' : 'none'} | ${method.credentials ? method.tier : '–'} |`,
    );
  }
  return [XMLRPC_TABLE_BEGIN, '', ...rows, '', XMLRPC_TABLE_END].join('\n');
}

/** Replaces the generated method table of a Markdown document (appending it when absent). */
export function withXmlRpcMethodTable(document: string, table: string): string {
  const begin = document.indexOf(XMLRPC_TABLE_BEGIN);
  const end = document.indexOf(XMLRPC_TABLE_END);
  if (begin < 0 || end < begin) return `${document.trimEnd()}\n\n${table}\n`;
  return document.slice(0, begin) + table + document.slice(end + XMLRPC_TABLE_END.length);
}
