import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './loadConfig.js';

describe('loadConfig', () => {
  it('uses defaults, then the environment, then flags', () => {
    expect(loadConfig({}, {})).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      env: 'production',
      siteUrl: 'http://127.0.0.1:8080',
    });
    expect(loadConfig({}, { LATCHKEY_PORT: '9000' }).port).toBe(9000);
    expect(loadConfig({ port: '9001' }, { LATCHKEY_PORT: '9000' }).port).toBe(9001);
    expect(
      loadConfig({}, { LATCHKEY_ENV: 'local', LATCHKEY_SITE_URL: 'https://auth.example/base/' }),
    ).toMatchObject({ env: 'local', siteUrl: 'https://auth.example/base' });
  });

  it.each([
    [{ port: 'abc' }, 'invalid --port: expected an integer from 0 to 65535, got "abc"'],
    [{ port: '70000' }, 'invalid --port'],
    [{ env: 'staging' }, 'invalid --env'],
    [{ trustProxy: '10.0.0.0/33' }, 'invalid --trust-proxy'],
    [{ siteUrl: 'ftp://x' }, 'invalid --site-url'],
    [{ tlsCert: 'a.pem' }, '--tls-cert and --tls-key must be given together'],
    [{ secret: 'short' }, 'LATCHKEY_SECRET'],
    [{ databaseUrl: 'mysql://x' }, 'invalid --database-url'],
    [{ logLevel: 'loud' }, 'invalid --log-level'],
  ])('refuses %o with one clear line', (flags, message) => {
    expect(() => loadConfig(flags, {})).toThrow(ConfigError);
    expect(() => loadConfig(flags, {})).toThrow(message);
  });

  it('never echoes a database URL (it may hold a password)', () => {
    expect(() => loadConfig({ databaseUrl: 'mysql://root:hunter2@db' }, {})).toThrow(
      /^(?!.*hunter2)/,
    );
  });

  it('accepts CIDR lists for trusted proxies', () => {
    expect(loadConfig({ trustProxy: '10.0.0.0/8, ::1, fd00::/8' }, {}).trustProxy).toEqual([
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
    ]);
  });
});

describe('--cookie-domain (SPEC §11)', () => {
  const site = { siteUrl: 'https://auth.example.com' };
  it('takes the site host or a parent of it, from the flag or LATCHKEY_COOKIE_DOMAIN', () => {
    expect(loadConfig({ ...site, cookieDomain: '.Example.com' }, {}).cookieDomain).toBe(
      'example.com',
    );
    expect(loadConfig(site, { LATCHKEY_COOKIE_DOMAIN: 'auth.example.com' }).cookieDomain).toBe(
      'auth.example.com',
    );
    expect(loadConfig(site, {}).cookieDomain).toBeUndefined();
  });
  it.each(['other.com', 'xample.com', 'com', '127.0.0.1', 'exa mple.com', 'example.com:443'])(
    'refuses %s with one clear line',
    (cookieDomain) => {
      expect(() => loadConfig({ ...site, cookieDomain }, {})).toThrow(/^invalid --cookie-domain/);
    },
  );
});
