import { ROLE_CAPABILITIES, type User } from '../../accounts/index.js';

export type Context = 'view' | 'edit' | 'embed';

export function userSlug(login: string): string {
  return encodeURIComponent(login.toLowerCase().replace(/[\s@.]+/g, '-'));
}

/** `YYYY-MM-DDTHH:mm:ss+00:00`, the form WordPress uses for `registered_date`. */
export function isoWithOffset(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + '+00:00';
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Shapes already built, per user object: a user answered from the credential cache is the same
 * object for a few seconds, so `users/me` builds its reply once, not on every request. Frozen,
 * so no caller can change what the next one gets (and the dispatcher keeps its JSON text too).
 */
const shapes = new WeakMap<User, Map<string, Readonly<Record<string, unknown>>>>();

/** A user as the wp/v2 users routes show it, key order as WordPress sends it. */
export function userResource(
  siteUrl: string,
  user: User,
  context: Context,
): Readonly<Record<string, unknown>> {
  let byKey = shapes.get(user);
  const key = `${context} ${siteUrl}`;
  const known = byKey?.get(key);
  if (known) return known;
  if (!byKey) shapes.set(user, (byKey = new Map()));
  const shape = deepFreeze(buildUserResource(siteUrl, user, context));
  byKey.set(key, shape);
  return shape;
}

function buildUserResource(siteUrl: string, user: User, context: Context): Record<string, unknown> {
  const slug = userSlug(user.login);
  const avatar = (size: number) => `${siteUrl}/assets/avatar.svg?s=${size}`;
  const links = {
    self: [{ href: `${siteUrl}/wp-json/wp/v2/users/${user.id}` }],
    collection: [{ href: `${siteUrl}/wp-json/wp/v2/users` }],
  };
  const common = {
    id: user.id,
    name: user.displayName,
    url: user.url,
    description: user.description,
    link: `${siteUrl}/author/${slug}/`,
    slug,
    avatar_urls: { '24': avatar(24), '48': avatar(48), '96': avatar(96) },
  };
  if (context === 'embed') return { ...common, _links: links };
  if (context === 'view') return { ...common, meta: { persisted_preferences: [] }, _links: links };
  const capabilities: Record<string, boolean> = {};
  for (const cap of ROLE_CAPABILITIES[user.role]) capabilities[cap] = true;
  capabilities[user.role] = true;
  return {
    id: user.id,
    username: user.login,
    name: user.displayName,
    first_name: user.firstName,
    last_name: user.lastName,
    email: user.email,
    url: user.url,
    description: user.description,
    link: common.link,
    locale: 'en_US',
    nickname: user.nickname,
    slug,
    roles: [user.role],
    registered_date: isoWithOffset(user.registered),
    capabilities,
    extra_capabilities: { [user.role]: true },
    avatar_urls: common.avatar_urls,
    meta: { persisted_preferences: [] },
    _links: links,
  };
}
