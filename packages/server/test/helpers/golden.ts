import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The WordPress 6.1 captures, copied into the repository (test/fixtures/wordpress-golden, with the
 * README that says how they were made) so that a clone on its own runs every golden test.
 */
export const GOLDEN_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/wordpress-golden',
);

export interface GoldenCapture {
  description: string;
  request: { method: string; path: string; headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string; json: unknown };
}

function parseHead(block: string): {
  first: string;
  headers: Record<string, string>;
  body: string;
} {
  const split = block.indexOf('\n\n');
  const head = split >= 0 ? block.slice(0, split) : block;
  const body = split >= 0 ? block.slice(split + 2) : '';
  const [first = '', ...lines] = head.split('\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { first, headers, body };
}

export function loadGolden(number: string): GoldenCapture {
  const file = readdirSync(GOLDEN_DIR).find((f) => f.startsWith(`${number}-`));
  if (!file) throw new Error(`golden capture ${number} not found in ${GOLDEN_DIR}`);
  const text = readFileSync(path.join(GOLDEN_DIR, file), 'utf8');
  const [descLine = '', rest = ''] = text.split('\n=== REQUEST ===\n');
  const [requestBlock = '', responseBlock = ''] = rest.split('\n=== RESPONSE ===\n');
  const req = parseHead(requestBlock);
  const res = parseHead(responseBlock);
  const [method = 'GET', reqPath = '/'] = req.first.split(' ');
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch {
    json = undefined;
  }
  return {
    description: descLine.replace(/^#\s*/, ''),
    request: { method, path: reqPath, headers: req.headers, body: req.body.replace(/\n$/, '') },
    response: {
      status: Number(res.first.split(' ')[1]),
      headers: res.headers,
      body: res.body,
      json,
    },
  };
}
