/** Headers every REST response carries, as WordPress sends them. */
export function restHeaders(apiRoot: string): Record<string, string> {
  return {
    'content-type': 'application/json; charset=UTF-8',
    'x-robots-tag': 'noindex',
    link: `<${apiRoot}>; rel="https://api.w.org/"`,
    'x-content-type-options': 'nosniff',
    'access-control-expose-headers': 'X-WP-Total, X-WP-TotalPages, Link',
    'access-control-allow-headers':
      'Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type',
    'cache-control': 'no-cache, must-revalidate, max-age=0',
    vary: 'Origin',
  };
}

/** Keeps only the requested `_fields` (dotted paths allowed) of an object or of each item. */
export function filterFields(body: unknown, fieldsParam: unknown): unknown {
  if (typeof fieldsParam !== 'string' && !Array.isArray(fieldsParam)) return body;
  const fields = (Array.isArray(fieldsParam) ? fieldsParam.map(String) : fieldsParam.split(','))
    .map((f) => f.trim())
    .filter(Boolean);
  if (fields.length === 0) return body;
  const pick = (item: unknown): unknown => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) return item;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(item)) {
      const nested = fields
        .filter((f) => f.startsWith(`${key}.`))
        .map((f) => f.slice(key.length + 1));
      if (fields.includes(key)) out[key] = value;
      else if (nested.length > 0) out[key] = filterFields(value, nested);
    }
    return out;
  };
  return Array.isArray(body) ? body.map(pick) : pick(body);
}
