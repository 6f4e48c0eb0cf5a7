/**
 * The URL of a REST route under an API root. Roots come in two shapes: pretty
 * (`https://site/wp-json/`) and plain (`https://site/?rest_route=/`, for sites without pretty
 * permalinks); both take the same route (`wp/v2/posts?per_page=5`).
 */
export function apiUrl(apiRoot: string, route: string): string {
  const q = route.indexOf('?');
  const routePath = (q >= 0 ? route.slice(0, q) : route).replace(/^\/+/, '');
  const routeQuery = new URLSearchParams(q >= 0 ? route.slice(q + 1) : '');
  const root = new URL(apiRoot);
  let url: URL;
  if (root.searchParams.has('rest_route')) {
    url = new URL(root);
    const prefix = (root.searchParams.get('rest_route') ?? '/').replace(/\/+$/, '');
    url.searchParams.set('rest_route', `${prefix}/${routePath}`);
  } else {
    if (!root.pathname.endsWith('/')) root.pathname += '/';
    url = new URL(routePath, root);
    url.search = root.search;
  }
  for (const [k, v] of routeQuery) url.searchParams.append(k, v);
  return url.toString();
}
