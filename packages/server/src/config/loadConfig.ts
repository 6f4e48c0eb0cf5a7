import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { LatchkeyError } from '../errors/index.js';

export type Environment = 'local' | 'development' | 'production';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  env: Environment;
  /** Public origin + path prefix of the site, without a trailing slash. */
  siteUrl: string;
  /** CIDRs whose X-Forwarded-For we believe. */
  trustProxy: string[];
  /**
   * The session cookie's Domain (SPEC §11): a parent domain of the site's host so that a sign-in
   * at auth.example.com also counts at app.example.com for forward authentication. Unset: the
   * cookie belongs to the site's host alone.
   */
  cookieDomain: string | undefined;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  smtpUrl: string | undefined;
  adminPassword: string | undefined;
  secret: string | undefined;
  /** When set, /metrics is served to requests bearing this token. */
  metricsToken: string | undefined;
  bodyLimitBytes: number;
  /** How long a shutdown may take before it is forced (requests in flight are cut). */
  shutdownTimeoutSeconds: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Thrown for a configuration the server must not start with; the CLI exits with code 2. */
export class ConfigError extends LatchkeyError<'config_invalid'> {
  constructor(message: string) {
    super('config_invalid', message);
  }
}

interface OptionSpec {
  flag: string;
  env?: string;
  default: string | undefined;
  describe: string;
}

/** The single list of settings: read by the parser, the CLI help and the README table. */
export const CONFIG_OPTIONS = {
  host: {
    flag: 'host',
    env: 'LATCHKEY_HOST',
    default: '127.0.0.1',
    describe: 'address to listen on',
  },
  port: {
    flag: 'port',
    env: 'LATCHKEY_PORT',
    default: '8080',
    describe: 'TCP port (0 picks a free one)',
  },
  dataDir: {
    flag: 'data-dir',
    env: 'LATCHKEY_DATA_DIR',
    default: './data',
    describe: 'SQLite store, installation key, outbox',
  },
  env: {
    flag: 'env',
    env: 'LATCHKEY_ENV',
    default: 'production',
    describe: 'local | development | production',
  },
  siteUrl: {
    flag: 'site-url',
    env: 'LATCHKEY_SITE_URL',
    default: undefined,
    describe: 'public URL of the site (default: http(s)://host:port)',
  },
  trustProxy: {
    flag: 'trust-proxy',
    env: 'LATCHKEY_TRUST_PROXY',
    default: '',
    describe: 'comma-separated CIDRs whose X-Forwarded-For is believed',
  },
  cookieDomain: {
    flag: 'cookie-domain',
    env: 'LATCHKEY_COOKIE_DOMAIN',
    default: undefined,
    describe: 'session cookie domain: the site host or a parent (forward auth for subdomains)',
  },
  tlsCert: {
    flag: 'tls-cert',
    env: 'LATCHKEY_TLS_CERT',
    default: undefined,
    describe: 'PEM certificate file: serve HTTPS',
  },
  tlsKey: {
    flag: 'tls-key',
    env: 'LATCHKEY_TLS_KEY',
    default: undefined,
    describe: 'PEM private key file for --tls-cert',
  },
  databaseUrl: {
    flag: 'database-url',
    env: 'DATABASE_URL',
    default: undefined,
    describe: 'PostgreSQL URL; without it SQLite in the data dir',
  },
  redisUrl: {
    flag: 'redis-url',
    env: 'REDIS_URL',
    default: undefined,
    describe: 'Redis URL: share rate limits across nodes',
  },
  smtpUrl: {
    flag: 'smtp-url',
    env: 'SMTP_URL',
    default: undefined,
    describe: 'SMTP URL for mail; without it .eml files in <data-dir>/outbox',
  },
  adminPassword: {
    flag: 'admin-password',
    env: 'LATCHKEY_ADMIN_PASSWORD',
    default: undefined,
    describe: 'password for the first admin (else random, printed once)',
  },
  secret: {
    flag: 'secret',
    env: 'LATCHKEY_SECRET',
    default: undefined,
    describe: 'installation key (>= 32 chars); else generated in the data dir',
  },
  metricsToken: {
    flag: 'metrics-token',
    env: 'LATCHKEY_METRICS_TOKEN',
    default: undefined,
    describe: 'enables /metrics for requests with this bearer token',
  },
  bodyLimitBytes: {
    flag: 'body-limit',
    env: 'LATCHKEY_BODY_LIMIT',
    default: '1048576',
    describe: 'largest request body in bytes',
  },
  shutdownTimeoutSeconds: {
    flag: 'shutdown-timeout',
    env: 'LATCHKEY_SHUTDOWN_TIMEOUT',
    default: '10',
    describe: 'seconds a graceful shutdown may take before it is forced',
  },
  logLevel: {
    flag: 'log-level',
    env: 'LATCHKEY_LOG_LEVEL',
    default: 'info',
    describe: 'fatal | error | warn | info | debug | silent',
  },
} as const satisfies Record<keyof Config, OptionSpec>;

const ENVIRONMENTS: readonly Environment[] = ['local', 'development', 'production'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Settings that are secrets. Each may come from a file named by `<ENV>_FILE` (the convention of
 * container secrets: the value never sits in the process environment), the installation key
 * also from `--secret-file`.
 */
export const SECRET_SETTINGS = [
  'secret',
  'adminPassword',
  'databaseUrl',
  'redisUrl',
  'smtpUrl',
  'metricsToken',
] as const satisfies readonly (keyof Config)[];

export type ConfigInput = Partial<Record<keyof Config | 'secretFile', string | undefined>>;

/**
 * The secrets given as flags: readable by every local user (ps, /proc/<pid>/cmdline), which the
 * server warns about. A URL counts only when it holds a password.
 */
export function secretsOnCommandLine(flags: ConfigInput): string[] {
  return SECRET_SETTINGS.filter((key) => {
    const value = flags[key];
    if (value === undefined) return false;
    if (key === 'databaseUrl' || key === 'redisUrl' || key === 'smtpUrl') {
      try {
        return new URL(value).password !== '';
      } catch {
        return false;
      }
    }
    return true;
  }).map((key) => `--${CONFIG_OPTIONS[key].flag}`);
}

/** A secret's file: its content without the one trailing newline editors and `echo` add. */
function readSecretFile(source: string, file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read ${source} (${file}): ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    );
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new ConfigError(`${source} (${file}) is empty`);
  return value;
}

/**
 * Resolves flags > environment > defaults and validates the result.
 * `flags` is keyed by Config field name (the CLI maps `--data-dir` to `dataDir`).
 */
export function loadConfig(flags: ConfigInput, env: Record<string, string | undefined>): Config {
  const raw = (key: keyof Config): string | undefined => {
    const spec: OptionSpec = CONFIG_OPTIONS[key];
    const fromFlag = flags[key];
    if (fromFlag !== undefined) return fromFlag;
    if (key === 'secret' && flags.secretFile !== undefined)
      return readSecretFile('--secret-file', flags.secretFile);
    const fromEnv = spec.env ? env[spec.env] : undefined;
    const fileVar =
      spec.env && (SECRET_SETTINGS as readonly string[]).includes(key)
        ? `${spec.env}_FILE`
        : undefined;
    const fromFile = fileVar ? env[fileVar] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') {
      if (fromFile) throw new ConfigError(`both ${spec.env} and ${fileVar} are set: keep one`);
      return fromEnv;
    }
    if (fileVar && fromFile) return readSecretFile(fileVar, fromFile);
    return spec.default;
  };
  const fail = (key: keyof Config, expected: string, got: string | undefined): never => {
    throw new ConfigError(
      `invalid --${CONFIG_OPTIONS[key].flag}: expected ${expected}, got ${JSON.stringify(got ?? '')}`,
    );
  };

  const host = raw('host') ?? '';
  if (host === '' || /\s/.test(host)) fail('host', 'an address or host name', host);

  const port = parseInteger(raw('port'));
  if (port === undefined || port > 65535) fail('port', 'an integer from 0 to 65535', raw('port'));

  const envName = raw('env') as Environment;
  if (!ENVIRONMENTS.includes(envName)) fail('env', ENVIRONMENTS.join(' | '), envName);

  const tlsCert = raw('tlsCert');
  const tlsKey = raw('tlsKey');
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new ConfigError('--tls-cert and --tls-key must be given together');
  }

  const siteUrlRaw = raw('siteUrl');
  let siteUrl: string;
  if (siteUrlRaw === undefined) {
    const hostPart =
      isIP(host) === 6 ? `[${host}]` : host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    siteUrl = `${tlsCert ? 'https' : 'http'}://${hostPart}:${port}`;
  } else {
    let parsed: URL | undefined;
    try {
      parsed = new URL(siteUrlRaw);
    } catch {
      parsed = undefined;
    }
    if (
      !parsed ||
      !['http:', 'https:'].includes(parsed.protocol) ||
      parsed.username ||
      parsed.search ||
      parsed.hash
    ) {
      fail('siteUrl', 'an http(s) URL without credentials, query or fragment', siteUrlRaw);
    }
    siteUrl = parsed!.origin + parsed!.pathname.replace(/\/+$/, '');
  }

  const trustProxy = (raw('trustProxy') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const cidr of trustProxy)
    if (!isCidr(cidr))
      fail('trustProxy', 'a comma-separated list of CIDRs such as 10.0.0.0/8', cidr);

  const cookieDomain = parseCookieDomain(raw('cookieDomain'), siteUrl);

  const databaseUrl = raw('databaseUrl');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    fail('databaseUrl', 'a postgres:// URL', '<redacted>');
  }
  const redisUrl = raw('redisUrl');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl))
    fail('redisUrl', 'a redis:// URL', '<redacted>');
  const smtpUrl = raw('smtpUrl');
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl))
    fail('smtpUrl', 'an smtp:// or smtps:// URL', '<redacted>');

  const secret = raw('secret');
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('invalid LATCHKEY_SECRET: expected at least 32 characters');
  }
  const adminPassword = raw('adminPassword');
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('invalid LATCHKEY_ADMIN_PASSWORD: expected at least 8 characters');
  }

  const bodyLimitBytes = parseInteger(raw('bodyLimitBytes'));
  if (bodyLimitBytes === undefined || bodyLimitBytes < 1024)
    fail('bodyLimitBytes', 'an integer of at least 1024', raw('bodyLimitBytes'));

  const shutdownTimeoutSeconds = parseInteger(raw('shutdownTimeoutSeconds'));
  if (shutdownTimeoutSeconds === undefined || shutdownTimeoutSeconds < 1)
    fail(
      'shutdownTimeoutSeconds',
      'a whole number of seconds, at least 1',
      raw('shutdownTimeoutSeconds'),
    );

  const logLevel = raw('logLevel') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) fail('logLevel', LOG_LEVELS.join(' | '), logLevel);

  return {
    host,
    port: port!,
    dataDir: path.resolve(raw('dataDir') ?? './data'),
    env: envName,
    siteUrl,
    trustProxy,
    cookieDomain,
    tlsCert,
    tlsKey,
    databaseUrl,
    redisUrl,
    smtpUrl,
    adminPassword,
    secret,
    metricsToken: raw('metricsToken'),
    bodyLimitBytes: bodyLimitBytes!,
    shutdownTimeoutSeconds: shutdownTimeoutSeconds!,
    logLevel,
  };
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A cookie Domain that browsers will accept from this site: a host name (no IP address, no
 * port), equal to the site's host or a parent of it on a label boundary, of two labels at least
 * (a browser refuses a cookie for a whole top-level domain).
 */
function parseCookieDomain(value: string | undefined, siteUrl: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const domain = value.trim().toLowerCase().replace(/^\./, '');
  const siteHost = new URL(siteUrl).hostname.toLowerCase();
  const labels = domain.split('.');
  const fail = (why: string): never => {
    throw new ConfigError(`invalid --cookie-domain: ${why}, got ${JSON.stringify(value)}`);
  };
  if (isIP(domain) !== 0 || !labels.every((l) => LABEL.test(l)))
    fail('expected a host name such as example.com');
  if (labels.length < 2) fail('expected a domain of at least two labels (example.com)');
  if (siteHost !== domain && !siteHost.endsWith(`.${domain}`))
    fail(`expected the site's host (${siteHost}) or a parent domain of it`);
  return domain;
}

function parseInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,10}$/.test(value)) return undefined;
  return Number(value);
}

function isCidr(value: string): boolean {
  const [address, bits, extra] = value.split('/');
  if (extra !== undefined || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  const n = parseInteger(bits);
  return n !== undefined && n <= (family === 4 ? 32 : 128);
}
