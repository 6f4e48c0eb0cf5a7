/**
 * What the browser suites (e2e/browser*.test.ts) share: which Chromium they drive and how it is
 * launched, when they skip or fail without one, where screenshots go, and the "device" (a fresh
 * browser profile) whose pages record policy violations and script errors.
 *
 * Chromium is taken from CHROMIUM_PATH (default /usr/bin/chromium). When it is missing a suite
 * skips with the reason in its title, unless REQUIRE_BROWSER=1, in which case it fails. A suite
 * follows the rule like this:
 *
 *   describe.skipIf(shouldSkipBrowser)(browserSuiteTitle('two-factor'), () => {
 *     if (chromiumMissing()) return;
 *     …
 *   });
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type ConsoleMessage,
  type Page,
} from 'playwright-core';
import { it } from 'vitest';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM_PATH);
const REQUIRE_BROWSER = process.env.REQUIRE_BROWSER === '1';

/** True when there is no Chromium and REQUIRE_BROWSER is not set: the suite is skipped. */
export const shouldSkipBrowser = !HAVE_CHROMIUM && !REQUIRE_BROWSER;

/**
 * The suite's describe title, saying which Chromium it drives, or why it is skipped or failing:
 * `browser suite` for no name, `browser suite: {name}` otherwise, then the reason in parentheses.
 */
export function browserSuiteTitle(name?: string): string {
  const suite = name ? `browser suite: ${name}` : 'browser suite';
  if (HAVE_CHROMIUM) return `${suite} (Chromium at ${CHROMIUM_PATH})`;
  return REQUIRE_BROWSER
    ? `${suite} (FAILING: no Chromium at ${CHROMIUM_PATH} and REQUIRE_BROWSER=1)`
    : `${suite} (SKIPPED: no Chromium at ${CHROMIUM_PATH}; set REQUIRE_BROWSER=1 to fail instead)`;
}

/**
 * Call first inside the suite's describe. Without a Chromium (which, the suite not being skipped,
 * means REQUIRE_BROWSER=1) it registers the one test that fails and says why, and returns true:
 * the suite then returns without registering its own tests.
 */
export function chromiumMissing(): boolean {
  if (HAVE_CHROMIUM) return false;
  it('has a Chromium to drive', () => {
    throw new Error(
      `REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM_PATH}. Install it (apt-get install chromium) or point CHROMIUM_PATH at one.`,
    );
  });
  return true;
}

/** The machine has no internet: keep Chromium from phoning home (QUIC, updates, sync). */
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches the headless Chromium at CHROMIUM_PATH; the caller closes it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** test-results/browser/ at the repository root. */
const SCREENSHOTS = path.join(
  fileURLToPath(new URL('../../../../', import.meta.url)),
  'test-results',
  'browser',
);

/** Saves a full-page screenshot as test-results/browser/{name}.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Messages in which Chromium reports a Content-Security-Policy or framing refusal. */
const isPolicyMessage = (m: ConsoleMessage) =>
  /Content Security Policy|Refused to|X-Frame-Options/i.test(m.text());

/**
 * Records the page's policy violations (console) and script errors into `problems`, and, unless
 * `dialogs` is false, any JavaScript dialog: none is expected, ever (a dialog would mean injected
 * script ran), and it is dismissed so the test does not hang.
 */
export function watchProblems(page: Page, problems: string[], { dialogs = true } = {}): void {
  page.on('console', (m) => {
    if (isPolicyMessage(m)) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  if (!dialogs) return;
  page.on('dialog', (d) => {
    problems.push(`dialog (${d.type()}): ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
}

export interface DeviceOptions {
  /** Default 1100×800. */
  viewport?: { width: number; height: number };
  /** Grant clipboard read and write on `baseURL`. */
  clipboard?: boolean;
  /** Passed to watchProblems: record (and dismiss) JavaScript dialogs. Default true. */
  dialogs?: boolean;
}

export interface Device {
  context: BrowserContext;
  page: Page;
  /** What watchProblems recorded on any page of the context; tests expect it empty. */
  problems: string[];
}

/**
 * A fresh browser profile ("device") on `baseURL` with a 10-second default timeout, and its first
 * page. Every page it opens is watched by watchProblems. Downloads are accepted (Playwright's
 * default). The caller closes the context.
 */
export async function openDevice(
  browser: Browser,
  baseURL: string,
  userAgent: string,
  options: DeviceOptions = {},
): Promise<Device> {
  const context = await browser.newContext({
    userAgent,
    baseURL,
    viewport: options.viewport ?? { width: 1100, height: 800 },
  });
  context.setDefaultTimeout(10_000);
  if (options.clipboard) {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  }
  const problems: string[] = [];
  context.on('page', (p) => watchProblems(p, problems, { dialogs: options.dialogs ?? true }));
  const page = await context.newPage();
  return { context, page, problems };
}

/** The widths every page is looked at (issue 15): a desktop and a phone. */
export const PAGE_VIEWS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;
const SCHEMES = ['light', 'dark'] as const;
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/**
 * Looks at the page as it is, at 1280 and 390 px, light and dark (prefers-color-scheme
 * emulation), and returns what was wrong as lines for the assertion message: anything wider than
 * the window (`scrollWidth > innerWidth`) and every axe-core violation. axe is the package's own
 * axe.min.js, evaluated through DevTools, so the page's Content-Security-Policy stays in force.
 * Leaves a full-page screenshot per look: test-results/browser/pages-{name}-{width}-{scheme}.png.
 */
export async function lookAt(page: Page, name: string): Promise<string[]> {
  const found: string[] = [];
  const before = page.viewportSize();
  for (const view of PAGE_VIEWS) {
    for (const scheme of SCHEMES) {
      await page.setViewportSize(view);
      await page.emulateMedia({ colorScheme: scheme });
      const where = `${name} at ${view.width} px, ${scheme}`;
      const overflow = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        wide: Array.from(document.querySelectorAll('body *'))
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(0, 3)
          .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}`),
      }));
      if (overflow.scrollWidth > overflow.innerWidth)
        found.push(
          `${where}: ${overflow.scrollWidth} px wide in ${overflow.innerWidth} (${overflow.wide.join(', ')})`,
        );
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
      const violations = await page.evaluate(async () => {
        // @ts-expect-error axe is the injected global
        const result = await window.axe.run(document, { resultTypes: ['violations'] });
        return (result.violations as Array<{ id: string; nodes: Array<{ target: string[] }> }>).map(
          (v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`,
        );
      });
      for (const v of violations) found.push(`${where}: axe ${v}`);
      await screenshot(page, `pages-${name}-${view.width}-${scheme}`);
    }
  }
  await page.setViewportSize(before ?? PAGE_VIEWS[0]);
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}
