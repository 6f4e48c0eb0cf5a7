import { zoneOffsetMs } from '../content/dates.js';

const DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function wallMs(text: string): number | null {
  const m = DATETIME.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (y === 0) return null; // WordPress's zero date: no date
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return ms;
}

/** A MySQL DATETIME written in UTC (`*_gmt`, `user_registered`) as epoch ms; null for the zero date. */
export function parseWordpressUtc(text: string): number | null {
  return wallMs(text);
}

/** The site's clock: an IANA zone (`timezone_string`) or a fixed offset in hours (`gmt_offset`). */
export type SiteClock = { zone: string } | { offsetHours: number };

/** A DATETIME in site time (`post_date`) as epoch ms; null for the zero date. */
export function parseWordpressLocal(text: string, clock: SiteClock): number | null {
  const wall = wallMs(text);
  if (wall === null) return null;
  if ('offsetHours' in clock) return wall - Math.round(clock.offsetHours * 3_600_000);
  // The offset at the wall time itself, corrected once for a change of offset in between.
  const first = wall - zoneOffsetMs(wall, clock.zone);
  return wall - zoneOffsetMs(first, clock.zone);
}
