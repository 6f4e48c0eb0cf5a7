import { ServiceError, SLUG_PATTERN } from './service.js';

/**
 * A password's services limit from any surface (a list or a comma-separated string of slugs):
 * each must name a registered service. `parent` is the limit of the credential creating the
 * password: the new one is limited at least as narrowly (limits never widen).
 */
export function parseServicesLimit(
  value: unknown,
  registered: readonly string[],
  parent: readonly string[] = [],
): string[] {
  let entries: unknown[];
  if (value === undefined || value === null || value === '') entries = [];
  else if (Array.isArray(value)) entries = value;
  else if (typeof value === 'string') entries = value.split(/[\s,]+/).filter(Boolean);
  else throw new ServiceError('services', 'services must be a list of service slugs.');
  if (entries.length > 100) throw new ServiceError('services', 'services lists at most 100 slugs.');
  const slugs: string[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string' || !SLUG_PATTERN.test(entry))
      throw new ServiceError('services', 'services must be a list of service slugs.');
    if (!registered.includes(entry))
      throw new ServiceError('services', `"${entry}" is not a registered service.`);
    if (!slugs.includes(entry)) slugs.push(entry);
  }
  if (parent.length === 0) return slugs.sort();
  if (slugs.length === 0) return [...parent].sort();
  const outside = slugs.filter((s) => !parent.includes(s));
  if (outside.length > 0)
    throw new ServiceError(
      'services',
      `This password may only be limited to services its creator may enter: ${parent.join(', ')}.`,
    );
  return slugs.sort();
}
