import type { ApplicationPassword } from '../../app-passwords/index.js';

/** WordPress's REST date form: UTC, no zone suffix. */
export function restDate(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().slice(0, 19);
}

/** An application password as the REST API shows it; the secret only on creation. */
export function appPasswordItem(
  siteUrl: string,
  record: ApplicationPassword,
  options: { context?: 'view' | 'edit' | 'embed'; password?: string; links?: boolean } = {},
): Record<string, unknown> {
  const href = `${siteUrl}/wp-json/wp/v2/users/${record.userId}/application-passwords/${record.uuid}`;
  if (options.context === 'embed')
    return { uuid: record.uuid, app_id: record.appId, name: record.name };
  return {
    uuid: record.uuid,
    app_id: record.appId,
    name: record.name,
    created: restDate(record.created),
    last_used: restDate(record.lastUsed),
    last_ip: record.lastIp,
    ...(options.password !== undefined ? { password: options.password } : {}),
    scope: record.scope,
    role_ceiling: record.roleCeiling,
    expires: restDate(record.expires),
    services: record.services,
    ...(options.links === false ? {} : { _links: { self: [{ href }] } }),
  };
}
