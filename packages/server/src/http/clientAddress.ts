import type { FastifyRequest } from 'fastify';
import { isIP } from 'node:net';

/** Strips the IPv4-mapped prefix so one client has one spelling. */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address.toLowerCase();
}

/**
 * The key rate limits count under: an IPv4 address, or the /64 an IPv6 address is in
 * (one subscriber usually holds a whole /64, so per-address limits would be trivial to dodge).
 */
export function addressLimitKey(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  if (tailParts.length > 0 && tailParts[tailParts.length - 1]!.includes('.')) {
    // Embedded IPv4 in the last two groups.
    const v4 = tailParts.pop()!.split('.').map(Number);
    tailParts.push(((v4[0]! << 8) | v4[1]!).toString(16), ((v4[2]! << 8) | v4[3]!).toString(16));
  }
  const missing = tail === undefined ? 0 : 8 - headParts.length - tailParts.length;
  const groups = [...headParts, ...Array<string>(missing).fill('0'), ...tailParts];
  return groups.map((g) => parseInt(g || '0', 16).toString(16));
}

export function isLoopback(address: string): boolean {
  return address === '::1' || /^127\./.test(address);
}

/** The client's address after trusted-proxy handling (Fastify's `trustProxy`), normalised. */
export function clientIp(request: FastifyRequest): string {
  return normalizeAddress(request.ip);
}
