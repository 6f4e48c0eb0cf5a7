/**
 * For Node APIs that are not behind a proxy (SPEC §11): ask Latchkey's `/auth/verify` about each
 * request, with a short cache, and put who is calling on the request. Express, Fastify and Hono
 * adapters share one verifier. Latchkey believes the forwarded headers this sends only from
 * loopback or its `--trust-proxy` list: run the API on the same machine or list its address.
 */

/** Who the request is, from Latchkey's `X-Latchkey-*` answer. */
export interface LatchkeyIdentity {
  user: string;
  userId: number;
  email: string;
  name: string;
  role: string;
  /** `app_password:<uuid>` or `session`. */
  credential: string;
  appId: string;
  service: string;
}

/** The request being asked about. */
export interface VerifyInput {
  method: string;
  /** The absolute URL the client asked for (`https://api.example.com/v1/things?x=1`). */
  url: string;
  authorization?: string | undefined;
  cookie?: string | undefined;
  accept?: string | undefined;
  /** The client's address, sent as X-Forwarded-For (Latchkey's §7 limits count there). */
  clientIp?: string | undefined;
}

export type VerifyOutcome =
  | { ok: true; identity: LatchkeyIdentity }
  | { ok: false; status: number; headers: Record<string, string>; body: string };

export interface ForwardAuthOptions {
  /** Latchkey's site URL, e.g. `http://127.0.0.1:8080`. */
  latchkeyUrl: string;
  /** How long an admitted credential is answered from memory (default 5000; 0: never). */
  cacheTtlMs?: number;
  /** Entries kept at most (default 10 000); the oldest go first. */
  maxEntries?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

const RELAYED = ['www-authenticate', 'location', 'retry-after', 'content-type'];

/** RFC 8187's ext-value (`UTF-8''…`), as Latchkey sends values that are not plain ASCII. */
export function decodeHeaderValue(value: string): string {
  if (!value.startsWith("UTF-8''")) return value;
  try {
    return decodeURIComponent(value.slice(7));
  } catch {
    return value;
  }
}

async function cacheKey(parts: string[]): Promise<string> {
  const bytes = new TextEncoder().encode(parts.join('\0'));
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Asks `/auth/verify`. Only admissions are cached, keyed by a digest of host, path and the
 * credentials (the secrets themselves are not kept), for `cacheTtlMs` at most: a revoked
 * password stops working here within that time (Latchkey itself refuses it at once).
 */
export function createForwardAuthVerifier(options: ForwardAuthOptions) {
  const endpoint = `${options.latchkeyUrl.replace(/\/+$/, '')}/auth/verify`;
  const ttl = options.cacheTtlMs ?? 5000;
  const max = options.maxEntries ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { identity: LatchkeyIdentity; until: number }>();

  return async function verify(input: VerifyInput): Promise<VerifyOutcome> {
    const url = new URL(input.url);
    const key =
      ttl > 0 && (input.authorization || input.cookie)
        ? await cacheKey([url.host, url.pathname, input.authorization ?? '', input.cookie ?? ''])
        : undefined;
    if (key) {
      const hit = cache.get(key);
      if (hit && hit.until > now()) return { ok: true, identity: hit.identity };
      if (hit) cache.delete(key);
    }
    const headers: Record<string, string> = {
      'x-forwarded-method': input.method.toUpperCase(),
      'x-forwarded-proto': url.protocol.replace(':', ''),
      'x-forwarded-host': url.host,
      'x-forwarded-uri': url.pathname + url.search,
    };
    if (input.authorization) headers.authorization = input.authorization;
    if (input.cookie) headers.cookie = input.cookie;
    if (input.accept) headers.accept = input.accept;
    if (input.clientIp) headers['x-forwarded-for'] = input.clientIp;
    const response = await doFetch(endpoint, { method: 'GET', headers, redirect: 'manual' });
    if (response.status !== 200) {
      const relayed: Record<string, string> = {};
      for (const name of RELAYED) {
        const v = response.headers.get(name);
        if (v !== null) relayed[name] = v;
      }
      return { ok: false, status: response.status, headers: relayed, body: await response.text() };
    }
    await response.body?.cancel();
    const h = (name: string) => decodeHeaderValue(response.headers.get(`x-latchkey-${name}`) ?? '');
    const identity: LatchkeyIdentity = {
      user: h('user'),
      userId: Number(h('user-id')),
      email: h('email'),
      name: h('name'),
      role: h('role'),
      credential: h('credential'),
      appId: h('app-id'),
      service: h('service'),
    };
    if (key) {
      cache.set(key, { identity, until: now() + ttl });
      if (cache.size > max) cache.delete(cache.keys().next().value as string);
    }
    return { ok: true, identity };
  };
}

type Verifier = ReturnType<typeof createForwardAuthVerifier>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

interface NodeLikeRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string | undefined };
  ip?: string;
}

function inputOf(req: NodeLikeRequest, protocol: string): VerifyInput {
  const host = one(req.headers.host) ?? 'localhost';
  return {
    method: req.method ?? 'GET',
    url: `${protocol}://${host}${req.originalUrl ?? req.url ?? '/'}`,
    authorization: one(req.headers.authorization),
    cookie: one(req.headers.cookie),
    accept: one(req.headers.accept),
    clientIp: req.ip ?? req.socket?.remoteAddress,
  };
}

/** Express (or Connect) middleware: `req.latchkey` on success, Latchkey's refusal otherwise. */
export function expressForwardAuth(options: ForwardAuthOptions & { protocol?: 'http' | 'https' }) {
  const verify: Verifier = createForwardAuthVerifier(options);
  return (
    req: NodeLikeRequest & { latchkey?: LatchkeyIdentity; protocol?: string },
    res: {
      status(code: number): unknown;
      set(headers: Record<string, string>): unknown;
      send(body: string): unknown;
    },
    next: (error?: unknown) => void,
  ): void => {
    verify(inputOf(req, options.protocol ?? req.protocol ?? 'http')).then((outcome) => {
      if (outcome.ok) {
        req.latchkey = outcome.identity;
        next();
        return;
      }
      res.status(outcome.status);
      res.set(outcome.headers);
      res.send(outcome.body);
    }, next);
  };
}

/** A Fastify `onRequest`/`preHandler` hook: `request.latchkey` on success. */
export function fastifyForwardAuth(options: ForwardAuthOptions & { protocol?: 'http' | 'https' }) {
  const verify: Verifier = createForwardAuthVerifier(options);
  return async (
    request: NodeLikeRequest & { latchkey?: LatchkeyIdentity; protocol?: string; raw?: unknown },
    reply: {
      code(status: number): { headers(h: Record<string, string>): { send(body: string): unknown } };
    },
  ): Promise<void> => {
    const outcome = await verify(inputOf(request, options.protocol ?? request.protocol ?? 'http'));
    if (outcome.ok) {
      request.latchkey = outcome.identity;
      return;
    }
    await reply.code(outcome.status).headers(outcome.headers).send(outcome.body);
  };
}

/** Hono middleware: `c.get('latchkey')` on success. */
export function honoForwardAuth(options: ForwardAuthOptions) {
  const verify: Verifier = createForwardAuthVerifier(options);
  return async (
    c: {
      req: { method: string; url: string; header(name: string): string | undefined };
      set(key: 'latchkey', value: LatchkeyIdentity): void;
      body(body: string, status: number, headers: Record<string, string>): Response;
    },
    next: () => Promise<void>,
  ): Promise<Response | void> => {
    const outcome = await verify({
      method: c.req.method,
      url: c.req.url,
      authorization: c.req.header('authorization'),
      cookie: c.req.header('cookie'),
      accept: c.req.header('accept'),
    });
    if (!outcome.ok) return c.body(outcome.body, outcome.status, outcome.headers);
    c.set('latchkey', outcome.identity);
    await next();
  };
}
