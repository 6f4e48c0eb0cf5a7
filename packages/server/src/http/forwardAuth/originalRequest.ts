import { BlockList, isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config/index.js';
import { isLoopback, normalizeAddress } from '../clientAddress.js';
import { HttpError } from '../errors.js';

/** The request the proxy is asking about. */
export interface OriginalRequest {
  method: string;
  proto: 'http' | 'https';
  /** Lowercase host with `:port` when one was named. */
  host: string;
  /** Path and query as the client sent them. */
  uri: string;
  /** nginx's `auth_request` (X-Original-URL): it cannot relay a 3xx, so redirects go as 401. */
  fromNginx: boolean;
  /** The client's address: the one the proxy reports when the proxy is believed. */
  clientIp: string;
}

const HOST = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]{0,252}))(?::\d{1,5})?$/;
const METHOD = /^[A-Z][A-Z0-9_-]{0,31}$/;

const badRequest = (what: string) =>
  new HttpError(
    400,
    'latchkey_bad_forwarded_request',
    `The proxy sent an unusable ${what}; see docs/forward-auth.md for the headers it must set.`,
  );

const first = (value: string | string[] | undefined): string | undefined => {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined ? undefined : v.split(',')[0]!.trim();
};

/** Who may tell Latchkey about an original request: the trusted proxies, and loopback. */
export function createProxyTrust(config: Pick<Config, 'trustProxy'>): (address: string) => boolean {
  const list = new BlockList();
  for (const cidr of config.trustProxy) {
    const [address = '', bits] = cidr.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return (address) => {
    const a = normalizeAddress(address);
    if (isLoopback(a)) return true;
    const family = isIP(a);
    return family !== 0 && list.check(a, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * Rebuilds the original request from nginx's `X-Original-Method`/`X-Original-URL` or
 * Traefik's and Caddy's `X-Forwarded-Method/-Proto/-Host/-Uri`, believed only from a trusted
 * peer. From anyone else those headers are ignored and the request is taken as itself (it then
 * names Latchkey's own host, which no service should, and is refused).
 */
export function originalRequest(
  request: FastifyRequest,
  trusted: (address: string) => boolean,
): OriginalRequest {
  const peer = normalizeAddress(request.socket.remoteAddress);
  const believed = trusted(peer);
  const h = request.headers;
  let clientIp = peer;
  if (believed) {
    const chain = String(h['x-forwarded-for'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const last = chain[chain.length - 1];
    if (last && isIP(last)) clientIp = normalizeAddress(last);
  }
  const methodOf = (value: string | undefined) => {
    const m = (value ?? 'GET').toUpperCase();
    if (!METHOD.test(m)) throw badRequest('method');
    return m;
  };
  const hostOf = (value: string | undefined) => {
    const host = (value ?? '').toLowerCase();
    if (!HOST.test(host)) throw badRequest('host');
    return host;
  };

  const originalUrl = believed ? first(h['x-original-url']) : undefined;
  if (originalUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(originalUrl);
    } catch {
      throw badRequest('X-Original-URL');
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password)
      throw badRequest('X-Original-URL');
    return {
      method: methodOf(first(h['x-original-method'])),
      proto: url.protocol === 'https:' ? 'https' : 'http',
      host: hostOf(url.host),
      uri: url.pathname + url.search,
      fromNginx: true,
      clientIp,
    };
  }
  const forwardedHost = believed ? first(h['x-forwarded-host']) : undefined;
  if (forwardedHost !== undefined) {
    const proto = (first(h['x-forwarded-proto']) ?? 'http').toLowerCase();
    if (proto !== 'http' && proto !== 'https') throw badRequest('X-Forwarded-Proto');
    const uri = first(h['x-forwarded-uri']) ?? '/';
    // eslint-disable-next-line no-control-regex
    if (!uri.startsWith('/') || uri.length > 8192 || /[\s\u0000-\u001f]/.test(uri))
      throw badRequest('X-Forwarded-Uri');
    return {
      method: methodOf(first(h['x-forwarded-method'])),
      proto,
      host: hostOf(forwardedHost),
      uri,
      fromNginx: false,
      clientIp,
    };
  }
  return {
    method: request.method,
    proto: request.protocol === 'https' ? 'https' : 'http',
    host: hostOf(first(h.host)),
    uri: request.url,
    fromNginx: false,
    clientIp,
  };
}

/** The absolute URL of the original request, where a browser comes back to after sign-in. */
export function originalUrl(original: OriginalRequest): string {
  const defaultPort = original.proto === 'https' ? ':443' : ':80';
  const host = original.host.endsWith(defaultPort)
    ? original.host.slice(0, -defaultPort.length)
    : original.host;
  return `${original.proto}://${host}${original.uri}`;
}
