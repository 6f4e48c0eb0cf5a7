import { describe, expect, it } from 'vitest';
import { WordpressImportError } from './errors.js';
import { checkTablePrefix, describeMysqlTarget, parseMysqlUrl } from './mysqlUrl.js';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return (error as WordpressImportError).code;
  }
  return undefined;
};

describe('parseMysqlUrl', () => {
  it('reads user, password, host, port and database, decoding percent-escapes', () => {
    expect(parseMysqlUrl('mysql://wp:p%40ss%3Aword@db.example:3307/wordpress')).toEqual({
      host: 'db.example',
      port: 3307,
      user: 'wp',
      password: 'p@ss:word',
      database: 'wordpress',
    });
    expect(parseMysqlUrl('mariadb://root@127.0.0.1/wp')).toMatchObject({
      port: 3306,
      password: '',
    });
    expect(parseMysqlUrl('mysql://u@[::1]:3306/wp').host).toBe('::1');
  });

  it('refuses what is not a MySQL URL with a stable code', () => {
    for (const bad of [
      'not a url',
      'postgres://u@h/db',
      'mysql://u@h:3306',
      'mysql://u@h:3306/',
      'mysql://u@h/db?ssl=1',
    ])
      expect(
        code(() => parseMysqlUrl(bad)),
        bad,
      ).toBe('mysql_url_invalid');
  });

  it('never shows the password', () => {
    const shown = describeMysqlTarget(parseMysqlUrl('mysql://wp:hunter2@db:3306/site'));
    expect(shown).toBe('mysql://wp:***@db:3306/site');
    expect(shown).not.toContain('hunter2');
  });
});

describe('checkTablePrefix', () => {
  it('accepts WordPress prefixes and refuses anything that could leave the identifier', () => {
    expect(checkTablePrefix('wp_')).toBe('wp_');
    expect(checkTablePrefix('wp2_site_')).toBe('wp2_site_');
    for (const bad of ['', 'wp`; DROP TABLE x; --', 'wp-', 'a'.repeat(40), 'wp_.'])
      expect(
        code(() => checkTablePrefix(bad)),
        bad,
      ).toBe('table_prefix_invalid');
  });
});
