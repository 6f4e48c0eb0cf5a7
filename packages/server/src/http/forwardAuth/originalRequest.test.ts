import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createProxyTrust, originalRequest, originalUrl } from './originalRequest.js';
import { headerValue } from './identityHeaders.js';

const request = (peer: string, headers: Record<string, string>) =>
  ({
    socket: { remoteAddress: peer },
    headers: { host: 'auth.example', ...headers },
    method: 'GET',
    url: '/auth/verify',
    protocol: 'http',
  }) as unknown as FastifyRequest;

const forwarded = {
  'x-forwarded-method': 'POST',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'app.example',
  'x-forwarded-uri': '/x?y=1',
  'x-forwarded-for': '203.0.113.9',
};

describe('originalRequest (SPEC §11: forwarded headers only from trusted proxies or loopback)', () => {
  const trust = createProxyTrust({ trustProxy: ['10.1.0.0/16'] });
  it('believes loopback and the configured proxies', () => {
    for (const peer of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.1.2.3']) {
      const o = originalRequest(request(peer, forwarded), trust);
      expect(o).toMatchObject({
        method: 'POST',
        proto: 'https',
        host: 'app.example',
        uri: '/x?y=1',
      });
      expect(o.clientIp).toBe('203.0.113.9');
      expect(originalUrl(o)).toBe('https://app.example/x?y=1');
    }
  });
  it('ignores them from anyone else: the request is itself (Latchkey’s own host)', () => {
    const o = originalRequest(
      request('10.2.0.1', { ...forwarded, 'x-original-url': 'https://app.example/' }),
      trust,
    );
    expect(o).toMatchObject({ method: 'GET', host: 'auth.example', uri: '/auth/verify' });
    expect(o.clientIp).toBe('10.2.0.1');
  });
  it('reads nginx’s X-Original-URL and method', () => {
    const o = originalRequest(
      request('127.0.0.1', {
        'x-original-url': 'http://app.example:8080/p',
        'x-original-method': 'delete',
      }),
      trust,
    );
    expect(o).toMatchObject({
      method: 'DELETE',
      host: 'app.example:8080',
      uri: '/p',
      fromNginx: true,
    });
  });
});

describe('headerValue (RFC 8187 for values that are not plain ASCII)', () => {
  it('keeps ASCII and encodes the rest', () => {
    expect(headerValue('Ada Lovelace')).toBe('Ada Lovelace');
    expect(headerValue('Zoë')).toBe("UTF-8''Zo%C3%AB");
    expect(headerValue("it's\n")).toBe("UTF-8''it%27s%0A");
  });
});
