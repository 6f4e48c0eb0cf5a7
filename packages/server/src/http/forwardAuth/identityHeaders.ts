import type { User } from '../../accounts/index.js';

const PLAIN = /^[\x20-\x7e]*$/;

/**
 * A header value as RFC 8187's ext-value (`UTF-8''` and percent-encoded octets) when it is not
 * plain printable ASCII: HTTP headers carry no other safe way to send a name like "Zoë".
 */
export function headerValue(text: string): string {
  if (PLAIN.test(text)) return text;
  return `UTF-8''${encodeURIComponent(text).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )}`;
}

/** SPEC §11's 200: who the request is, for the upstream to trust (the proxy strips copies a client sent). */
export function identityHeaders(
  user: User,
  credential: { kind: 'session' } | { kind: 'app_password'; uuid: string; appId: string },
  serviceSlug: string,
): Record<string, string> {
  return {
    'x-latchkey-user': headerValue(user.login),
    'x-latchkey-user-id': String(user.id),
    'x-latchkey-email': headerValue(user.email),
    'x-latchkey-name': headerValue(user.displayName),
    'x-latchkey-role': user.role,
    'x-latchkey-credential':
      credential.kind === 'session' ? 'session' : `app_password:${credential.uuid}`,
    'x-latchkey-app-id': credential.kind === 'session' ? '' : credential.appId,
    'x-latchkey-service': serviceSlug,
  };
}
