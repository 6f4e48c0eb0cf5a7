import { existsSync } from 'node:fs';

/** Says, before any test runs, which optional suites will run and which will skip and why. */
export default function setup(): void {
  const lines: string[] = [];
  lines.push(
    process.env.DATABASE_URL
      ? 'PostgreSQL: every store suite runs on SQLite and PostgreSQL (DATABASE_URL set).'
      : 'PostgreSQL: SKIPPED, DATABASE_URL is not set; store suites run on SQLite only.',
  );
  lines.push(
    process.env.REDIS_URL
      ? 'Redis: shared rate-limit suite runs (REDIS_URL set).'
      : 'Redis: SKIPPED, REDIS_URL is not set; rate limits are tested on the memory store only.',
  );
  const browser = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(browser)) lines.push(`Browser: Chromium at ${browser}.`);
  else if (process.env.REQUIRE_BROWSER === '1')
    lines.push(`Browser: MISSING at ${browser} and REQUIRE_BROWSER=1: browser suites will FAIL.`);
  else
    lines.push(
      `Browser: SKIPPED, no Chromium at ${browser} (set REQUIRE_BROWSER=1 to make that a failure).`,
    );
  console.log(`\n${lines.map((l) => `  • ${l}`).join('\n')}\n`);
}
