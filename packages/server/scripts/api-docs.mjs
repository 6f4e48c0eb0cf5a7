#!/usr/bin/env node
// Regenerates the route/tier table in docs/api.md from the live route registrations.
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
  writeFileSync(file, withApiTierTable(readFileSync(file, 'utf8'), table));
  process.stdout.write(`docs/api.md: ${table.split('\n').length - 6} route rows written\n`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
