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
