/**
 * @latchkey/client: connect an app to a Latchkey (or WordPress) site with an application
 * password. The hand-off, vault and API client arrive with the "Authorize application" work;
 * this module already names the protocol constants they share.
 */

/** The `rel` under which a site advertises its REST API root (Link header and `<link>` tag). */
export const API_LINK_REL = 'https://api.w.org/';

/** Finds the REST API root in a `Link` header value, or returns undefined. */
export function apiRootFromLinkHeader(linkHeader: string | null | undefined): string | undefined {
  if (!linkHeader) return undefined;
  for (const part of linkHeader.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="([^"]+)"/.exec(part.trim());
    if (match && match[2] === API_LINK_REL) return match[1];
  }
  return undefined;
}
