import { isIP } from 'node:net';

/**
 * The default From header: `Latchkey <no-reply@{site host}>`. An IP-address site gets an
 * address literal (`no-reply@[127.0.0.1]`, RFC 5321 §4.1.3), which mail servers accept.
 */
export function mailFromAddress(siteUrl: string): string {
  const hostname = new URL(siteUrl).hostname;
  const bare = hostname.replace(/^\[|\]$/g, '');
  const domain =
    isIP(bare) === 6 ? `[IPv6:${bare}]` : isIP(bare) === 4 ? `[${bare}]` : hostname || 'localhost';
  return `Latchkey <no-reply@${domain}>`;
}
