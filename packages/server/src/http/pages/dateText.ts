const DAY_MS = 24 * 3600 * 1000;

const DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/**
 * An expiry as it was chosen. A date picked on a form (2027-06-30) is stored as the end of that
 * day, the next midnight UTC (app-passwords/limits.ts), and is shown as "through 30 June 2027",
 * not as the following day at 00:00. Any other instant is shown with its time.
 */
export function expiryText(expiresMs: number): string {
  if (expiresMs % DAY_MS === 0) return `through ${DATE.format(new Date(expiresMs - DAY_MS))}`;
  return `until ${new Date(expiresMs).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}
