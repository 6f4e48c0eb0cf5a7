import type { User } from '../../src/accounts/index.js';
import { createSession } from '../../src/sessions/index.js';
import { totpCode } from '../../src/two-factor/index.js';
import type { BrowserClient } from './browserClient.js';
import type { TestServer } from './server.js';

/** Enables the authenticator app for a user through the service, as the setup page would. */
export async function enableTotp(server: TestServer, user: User): Promise<string> {
  const { session } = await createSession(server.latchkey.store.db, server.latchkey.ctx.keys, {
    userId: user.id,
    ip: '127.0.0.1',
    userAgent: 'fixture',
    remember: false,
    now: server.clock.now,
  });
  const tf = server.latchkey.ctx.twoFactor;
  const { secret } = await tf.beginTotpSetup(user, session.id);
  await tf.confirmTotp(user, session.id, totpCode({ secret, timeMs: server.clock.now }));
  // The setup code's time step is used up: move to the next one.
  server.clock.advance(30_000);
  return secret;
}

export const codeNow = (server: TestServer, secret: string, offsetSteps = 0) =>
  totpCode({ secret, timeMs: server.clock.now + offsetSteps * 30_000 });

/** The hidden challenge on a second-factor page. */
export function challengeOf(html: string): string {
  const match = /name="challenge" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no challenge on the page');
  return match[1]!;
}

/** Password step: returns the second-factor page's challenge. */
export async function passwordStep(
  browser: BrowserClient,
  login: string,
  password: string,
  extra: Record<string, string> = {},
) {
  const response = await browser.signIn(login, password, extra);
  if (response.status !== 200)
    throw new Error(`expected the second-factor page, got ${response.status}`);
  return { response, challenge: challengeOf(response.text_) };
}

export function submitCode(
  browser: BrowserClient,
  challenge: string,
  provider: string,
  code: string,
) {
  return browser.postForm('/login/two-factor', { challenge, provider, code });
}
