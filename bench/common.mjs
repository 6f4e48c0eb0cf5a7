// What the benchmark harnesses (run.mjs, hotpath.mjs) share: ports, the child's environment,
// and the sign-in form's CSRF pair.
import net from 'node:net';

export const HOST = '127.0.0.1';

/** A loopback port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Environment for a child: nothing inherited that could pick a store, Redis, SMTP or settings. */
export function childEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('LATCHKEY_') || ['DATABASE_URL', 'REDIS_URL', 'SMTP_URL'].includes(key)) {
      delete env[key];
    }
  }
  return { ...env, ...extra };
}

/** GET /login: the signed `latchkey_csrf` cookie and the form's `_csrf` token bound to it. */
export async function fetchCsrf(origin) {
  const res = await fetch(`${origin}/login`, { signal: AbortSignal.timeout(5000) });
  const page = await res.text();
  const setCookies = res.headers.getSetCookie?.() ?? [res.headers.get('set-cookie') ?? ''];
  const cookie = setCookies.map((c) => /^\s*(latchkey_csrf=[^;,\s]+)/.exec(c)?.[1]).find(Boolean);
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (res.status !== 200 || !cookie || !token) {
    throw new Error(
      `GET /login: expected 200 with a latchkey_csrf cookie and a _csrf field, got ${res.status} ` +
        `(cookie ${cookie ? 'present' : 'missing'}, token ${token ? 'present' : 'missing'})`,
    );
  }
  return { cookie, token };
}
