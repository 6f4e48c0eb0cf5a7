import { formatGmt, formatLocal, parseRestDate } from '../content/index.js';

/**
 * An XML-RPC `dateTime.iso8601`: wall-clock parts as sent, with the zone when the sender gave
 * one. WordPress reads a zoneless `dateCreated` in the site's zone and `date_created_gmt` in UTC.
 */
export class XmlRpcDateTime {
  constructor(
    /** `YYYY-MM-DDTHH:mm:ss`, always valid. */
    readonly wall: string,
    /** `Z`, `+HH:MM`, `-HH:MM`, or empty when the sender gave none. */
    readonly zone: string,
  ) {}

  /** The instant this denotes, reading a zoneless value in `timeZone`. */
  toEpoch(timeZone: string): number {
    return parseRestDate(`${this.wall}${this.zone}`, timeZone)!;
  }

  /** WordPress sends dates without a zone: the site's wall clock, or UTC for `*_gmt` fields. */
  static local(ms: number, timeZone: string): XmlRpcDateTime {
    return new XmlRpcDateTime(formatLocal(ms, timeZone), '');
  }

  static gmt(ms: number): XmlRpcDateTime {
    return new XmlRpcDateTime(formatGmt(ms), '');
  }

  /** `20260101T12:00:00`, the compact form every client reads. */
  toString(): string {
    return `${this.wall.slice(0, 10).replaceAll('-', '')}T${this.wall.slice(11)}${this.zone}`;
  }
}

const ISO8601 =
  /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:[.,]\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Parses the forms clients send (`20260101T12:00:00`, `2026-01-01T12:00:00Z`, …). */
export function parseDateTime(text: string): XmlRpcDateTime | undefined {
  const m = ISO8601.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, zone = ''] = m;
  const wall = `${y}-${mo}-${d}T${h}:${mi}:${s}`;
  let normalizedZone = zone.toUpperCase();
  if (/^[+-]\d{2}$/.test(normalizedZone)) normalizedZone += ':00';
  else if (/^[+-]\d{4}$/.test(normalizedZone))
    normalizedZone = `${normalizedZone.slice(0, 3)}:${normalizedZone.slice(3)}`;
  if (parseRestDate(`${wall}${normalizedZone}`, 'UTC') === undefined) return undefined;
  return new XmlRpcDateTime(wall, normalizedZone);
}

/** A struct: members in order, with a null prototype so no member name reaches `Object`. */
export type XmlRpcStruct = { [member: string]: XmlRpcValue };

export type XmlRpcValue =
  string | number | boolean | null | XmlRpcDateTime | Buffer | XmlRpcValue[] | XmlRpcStruct;

export function newStruct(): XmlRpcStruct {
  return Object.create(null) as XmlRpcStruct;
}

export const isStruct = (value: XmlRpcValue | undefined): value is XmlRpcStruct =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof XmlRpcDateTime) &&
  !Buffer.isBuffer(value);
