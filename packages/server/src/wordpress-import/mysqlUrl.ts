import { WordpressImportError } from './errors.js';

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** `mysql://user:pass@host:port/db` (or `mariadb://`); percent-encoded parts are decoded. */
export function parseMysqlUrl(text: string): MysqlTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WordpressImportError(
      'mysql_url_invalid',
      '--mysql-url is not a URL: expected mysql://user:password@host:port/database',
    );
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:')
    throw new WordpressImportError(
      'mysql_url_invalid',
      `--mysql-url must start with mysql:// or mariadb://, not ${url.protocol}//`,
    );
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/'))
    throw new WordpressImportError(
      'mysql_url_invalid',
      '--mysql-url names no database: expected mysql://user:password@host:port/database',
    );
  const port = url.port === '' ? 3306 : Number(url.port);
  if (url.search !== '')
    throw new WordpressImportError(
      'mysql_url_invalid',
      '--mysql-url takes no query parameters (user, password, host, port and database only)',
    );
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port,
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    database,
  };
}

/** The URL as it may be shown: the password is never printed. */
export function describeMysqlTarget(target: MysqlTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `mysql://${encodeURIComponent(target.user)}${target.password ? ':***' : ''}@${host}:${target.port}/${encodeURIComponent(target.database)}`;
}

/** WordPress's `$table_prefix`: letters, digits and underscores only (it is put into SQL). */
export function checkTablePrefix(prefix: string): string {
  if (!/^[A-Za-z0-9_]{1,32}$/.test(prefix))
    throw new WordpressImportError(
      'table_prefix_invalid',
      `--table-prefix ${JSON.stringify(prefix.slice(0, 40))} is not a WordPress table prefix: letters, digits and _ only`,
    );
  return prefix;
}
