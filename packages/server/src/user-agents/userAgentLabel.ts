import Bowser from 'bowser';

/** Longest label shown for a user agent that is not a known browser (a program's own name). */
const PROGRAM_LABEL_MAX = 40;

/**
 * A stored User-Agent as people read it: "Chrome on Linux", "Safari on iOS". Parsing is
 * bowser's (a maintained browser database), not patterns of our own. A program that is no
 * known browser (curl, an app's HTTP client) is shown as it calls itself, a long name cut at a
 * word rather than mid-word; an empty one as "Unknown browser".
 */
export function userAgentLabel(userAgent: string): string {
  const text = userAgent.trim();
  if (text === '') return 'Unknown browser';
  const parsed = Bowser.parse(text);
  const browser = parsed.browser.name;
  const os = parsed.os.name;
  if (browser && os) return `${browser} on ${os}`;
  if (browser) return browser;
  return programName(text);
}

function programName(text: string): string {
  if (text.length <= PROGRAM_LABEL_MAX) return text;
  const cut = text.slice(0, PROGRAM_LABEL_MAX);
  const lastBreak = Math.max(cut.lastIndexOf(' '), cut.lastIndexOf(';'), cut.lastIndexOf('('));
  return `${(lastBreak > 0 ? cut.slice(0, lastBreak) : cut).trim()}…`;
}
