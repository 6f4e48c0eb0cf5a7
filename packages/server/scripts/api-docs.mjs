#!/usr/bin/env node
// Regenerates the route/tier table and the XML-RPC method table in docs/api.md from the live
// route registrations and the method table.
// Usage: npm run docs:api   (builds first). The test suite fails when the file is stale.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dist = path.join(root, 'packages/server/dist');
const { loadConfig } = await import(path.join(dist, 'config/index.js'));
const { createLatchkey } = await import(path.join(dist, 'server.js'));
const { restRegistryOf } = await import(path.join(dist, 'http/app.js'));
const { renderApiTierTable, withApiTierTable } = await import(
  path.join(dist, 'http/rest/apiDocs.js')
);
const { renderXmlRpcMethodTable, withXmlRpcMethodTable } = await import(
  path.join(dist, 'xmlrpc/docs.js')
);
const { XMLRPC_METHODS } = await import(path.join(dist, 'xmlrpc/server.js'));

const dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-docs-'));
try {
  const config = loadConfig(
    { dataDir, logLevel: 'silent', adminPassword: 'docs-generator-only', env: 'local' },
    {},
  );
  const latchkey = await createLatchkey(config, { announce: () => {} });
  const table = renderApiTierTable(restRegistryOf(latchkey.app));
  await latchkey.close();
  const file = path.join(root, 'docs/api.md');
  const methods = renderXmlRpcMethodTable(XMLRPC_METHODS);
  writeFileSync(
    file,
    withXmlRpcMethodTable(withApiTierTable(readFileSync(file, 'utf8'), table), methods),
  );
  process.stdout.write(
    `docs/api.md: ${table.split('\n').length - 6} route rows, ${methods.split('\n').length - 6} XML-RPC method rows written\n`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
