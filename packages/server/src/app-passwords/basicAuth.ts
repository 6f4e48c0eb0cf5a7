/**
 * Reads `Authorization: Basic …` the way WordPress does: scheme case-insensitive, one space,
 * standard base64, split at the first `:`. No `:` or an empty password means "no credentials"
 * (undefined), as does anything malformed.
 */
export function parseBasicAuthorization(
  header: string | undefined,
): { login: string; password: string } | undefined {
  if (!header) return undefined;
  const match = /^basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header);
  if (!match || match[1]!.length % 4 === 1) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const login = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (login === '' || password === '') return undefined;
  return { login, password };
}
