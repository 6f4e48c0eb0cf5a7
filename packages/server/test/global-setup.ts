import { existsSync } from 'node:fs';
import { MARIADB_URL, REQUIRE_MARIADB, mariadbReachable } from './helpers/mariadb.js';

/** Says, before any test runs, which optional suites will run and which will skip and why. */
export default async function setup(): Promise<void> {
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
  const mariadb = MARIADB_URL.replace(/:[^:@/]*@/, ':***@');
  if (await mariadbReachable())
    lines.push(`MariaDB: the WordPress import suite loads its dump into ${mariadb}.`);
  else if (REQUIRE_MARIADB)
    lines.push(
      `MariaDB: MISSING at ${mariadb} and REQUIRE_MARIADB=1: the WordPress import suite will FAIL.`,
    );
  else
    lines.push(
      `MariaDB: SKIPPED, nothing answers at ${mariadb}; the WordPress import suite is skipped (set REQUIRE_MARIADB=1 to make that a failure).`,
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
