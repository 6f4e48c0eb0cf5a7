import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restRegistryOf } from '../../src/http/app.js';
import { API_TIERS_BEGIN, API_TIERS_END, renderApiTierTable } from '../../src/http/rest/apiDocs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const API_MD = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../docs/api.md',
);

describe('docs/api.md', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: STORES[0]! });
  });
  afterAll(() => server?.close());

  it('lists every route with its tier, as generated from the registrations (run `npm run docs:api` when this fails)', () => {
    const document = readFileSync(API_MD, 'utf8');
    const begin = document.indexOf(API_TIERS_BEGIN);
    const end = document.indexOf(API_TIERS_END);
    expect(begin, 'docs/api.md lacks the generated tier table').toBeGreaterThanOrEqual(0);
    expect(document.slice(begin, end + API_TIERS_END.length)).toBe(
      renderApiTierTable(restRegistryOf(server.latchkey.app)),
    );
  });
});
