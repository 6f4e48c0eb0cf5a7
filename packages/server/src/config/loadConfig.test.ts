import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretsOnCommandLine } from './loadConfig.js';

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

describe('secrets from files (issue 16)', () => {
  let dir: string;
  const file = (name: string, content: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, content, { mode: 0o600 });
    return p;
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'latchkey-secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads <ENV>_FILE for every secret, without the trailing newline', () => {
    const key = 'k'.repeat(40);
    const config = loadConfig(
      {},
      {
        LATCHKEY_SECRET_FILE: file('secret', `${key}\n`),
        LATCHKEY_ADMIN_PASSWORD_FILE: file('admin', 'admin-Pass-1234\r\n'),
        DATABASE_URL_FILE: file('db', 'postgres://u:p@db/latchkey\n'),
        REDIS_URL_FILE: file('redis', 'redis://:pw@cache:6379'),
        SMTP_URL_FILE: file('smtp', 'smtp://u:p@mail:587\n'),
        LATCHKEY_METRICS_TOKEN_FILE: file('metrics', 'scrape-token\n'),
      },
    );
    expect(config).toMatchObject({
      secret: key,
      adminPassword: 'admin-Pass-1234',
      databaseUrl: 'postgres://u:p@db/latchkey',
      redisUrl: 'redis://:pw@cache:6379',
      smtpUrl: 'smtp://u:p@mail:587',
      metricsToken: 'scrape-token',
    });
  });

  it('--secret-file beats the environment; a flag beats the file', () => {
    const fromFile = 'f'.repeat(32);
    const env = { LATCHKEY_SECRET: 'e'.repeat(32) };
    expect(loadConfig({ secretFile: file('s', fromFile) }, env).secret).toBe(fromFile);
    expect(
      loadConfig({ secret: 'g'.repeat(32), secretFile: file('s2', fromFile) }, env).secret,
    ).toBe('g'.repeat(32));
  });

  it('refuses, with one line, a missing or empty file, a short key from a file, or both forms at once', () => {
    expect(() => loadConfig({}, { LATCHKEY_SECRET_FILE: path.join(dir, 'nope') })).toThrow(
      /^cannot read LATCHKEY_SECRET_FILE \(.*nope\): ENOENT$/,
    );
    expect(() => loadConfig({}, { LATCHKEY_METRICS_TOKEN_FILE: file('empty', '\n') })).toThrow(
      /is empty$/,
    );
    expect(() => loadConfig({}, { LATCHKEY_SECRET_FILE: file('short', 'short\n') })).toThrow(
      'expected at least 32 characters',
    );
    expect(() =>
      loadConfig({}, { REDIS_URL: 'redis://a', REDIS_URL_FILE: file('r', 'redis://b') }),
    ).toThrow('both REDIS_URL and REDIS_URL_FILE are set: keep one');
  });

  it('a file never leaks its content into an error', () => {
    expect(() =>
      loadConfig({}, { DATABASE_URL_FILE: file('bad', 'mysql://root:hunter2@db') }),
    ).toThrow(/^(?!.*hunter2)/);
  });

  it('names the secrets given as flags (the server warns: other local users can read them)', () => {
    expect(
      secretsOnCommandLine({
        secret: 'x'.repeat(32),
        adminPassword: 'pw-pw-pw-pw',
        databaseUrl: 'postgres://u:p@db/x',
        redisUrl: 'redis://cache:6379',
        metricsToken: 't',
        port: '8080',
      }),
    ).toEqual(['--secret', '--admin-password', '--database-url', '--metrics-token']);
    expect(secretsOnCommandLine({ secretFile: '/run/secrets/key' })).toEqual([]);
  });
});
