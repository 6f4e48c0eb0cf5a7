/**
 * Dates as WordPress's REST API shows and takes them: `YYYY-MM-DDTHH:mm:ss`, no zone; `date` in
 * the site's time zone, `date_gmt` in UTC. Stored as epoch milliseconds.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function isoParts(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** A zone Intl understands, or UTC. */
function validZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** Milliseconds to add to a UTC instant to read the wall clock in `timeZone`. */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const zone = validZone(timeZone);
  if (zone === 'UTC') return 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return wall - Math.floor(ms / 1000) * 1000;
}

export function formatGmt(ms: number): string {
  return isoParts(ms);
}

export function formatLocal(ms: number, timeZone: string): string {
  return isoParts(ms + zoneOffsetMs(ms, timeZone));
}

const REST_DATE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses a REST date (WordPress's `rest_parse_date`): with a zone it is that instant; without,
 * it is wall-clock time in `timeZone` (the site's for `date`, UTC for `date_gmt`). Undefined when
 * it is not a date.
 */
export function parseRestDate(text: string, timeZone: string): number | undefined {
  const m = REST_DATE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, zone] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(wall);
  if (
    Number.isNaN(wall) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  )
    return undefined;
  if (zone) {
    if (/^z$/i.test(zone)) return wall;
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
    return wall - sign * offset;
  }
  // The offset at the wall time itself, corrected once for a change of offset in between.
  const first = wall - zoneOffsetMs(wall, timeZone);
  return wall - zoneOffsetMs(first, timeZone);
}

/** "November 22, 2026" in the site's zone, for the public pages. */
export function humanDate(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: validZone(timeZone),
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(new Date(ms));
}
