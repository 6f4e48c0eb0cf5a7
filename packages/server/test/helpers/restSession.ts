import { BrowserClient } from './browserClient.js';
import type { TestServer } from './server.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies; the assertions pin their shape
export type Json = any;

/** A signed-in browser that calls REST with its session cookie and nonce. */
export async function restAs(server: TestServer, login: string, password: string) {
  const browser = new BrowserClient(server.url);
  const signIn = await browser.signIn(login, password);
  if (signIn.status !== 302) throw new Error(`sign-in as ${login} failed: ${signIn.status}`);
  const nonce = await browser.restNonce();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await browser.request(`/wp-json${path}`, {
      method,
      headers: {
        'x-wp-nonce': nonce,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return {
      status: response.status,
      headers: response.headers,
      json: JSON.parse(response.text_) as Json,
    };
  };
  return { browser, call };
}
