import { createApplicationPassword } from '../../src/app-passwords/index.js';
import type { TestServer } from './server.js';

export function basic(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`, 'utf8').toString('base64')}`;
}

/** Creates an application password straight in the store (a fixture, like WordPress's CLI). */
export async function makeApplicationPassword(
  server: TestServer,
  userId: number,
  name = 'fixture',
  extra: { appId?: string; expires?: number | null; scope?: 'full' | 'content' } = {},
) {
  const created = await createApplicationPassword(
    server.latchkey.store.db,
    { userId, name, ...extra },
    server.clock.now,
  );
  return { uuid: created.record.uuid, password: created.password, chunked: created.chunked };
}

/** A REST call with HTTP Basic; returns status, headers and the parsed body. */
export async function api(
  server: TestServer,
  method: string,
  path: string,
  options: { auth?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.auth) headers.authorization = options.auth;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}/wp-json${path}`, {
    method,
    headers,
    redirect: 'manual',
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert the shape
  return { status: response.status, headers: response.headers, text, json: json as any };
}
