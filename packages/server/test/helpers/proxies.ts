/**
 * Real reverse proxies for the forward-authentication suites: nginx (auth_request) and Caddy
 * (forward_auth), each started on a free loopback port with a generated configuration in front
 * of a tiny Node upstream that answers with the request headers it received.
 *
 * nginx and Caddy are Debian's packages (.ci/run installs them). When one is missing its suite
 * skips with the reason in its title, unless REQUIRE_PROXIES=1 (CI sets it), when it fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { localized } from './deployDoc.js';
import { freePort } from './server.js';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const CADDY = process.env.CADDY_PATH ?? '/usr/bin/caddy';
const REQUIRE = process.env.REQUIRE_PROXIES === '1';

export const IDENTITY_HEADERS = [
  'X-Latchkey-User',
  'X-Latchkey-User-Id',
  'X-Latchkey-Email',
  'X-Latchkey-Name',
  'X-Latchkey-Role',
  'X-Latchkey-Credential',
  'X-Latchkey-App-Id',
  'X-Latchkey-Service',
];

export type ProxyKind = 'nginx' | 'caddy';
const BINARY: Record<ProxyKind, string> = { nginx: NGINX, caddy: CADDY };

export const proxyMissing = (kind: ProxyKind) => !existsSync(BINARY[kind]);
/** Skipped when the proxy is missing, unless REQUIRE_PROXIES=1 (then the suite fails). */
export const shouldSkipProxy = (kind: ProxyKind) => proxyMissing(kind) && !REQUIRE;
export function proxySuiteTitle(kind: ProxyKind, name: string): string {
  const suite = `${name} through real ${kind}`;
  if (!proxyMissing(kind)) return `${suite} (${BINARY[kind]})`;
  return REQUIRE
    ? `${suite} (FAILING: no ${kind} at ${BINARY[kind]} and REQUIRE_PROXIES=1)`
    : `${suite} (SKIPPED: no ${kind} at ${BINARY[kind]}; apt-get install ${kind}, or set REQUIRE_PROXIES=1 to fail instead)`;
}

/** The upstream: answers 200 with the headers it received as JSON. */
export async function startEchoUpstream(): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface RunningProxy {
  kind: ProxyKind;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** One auth backend or several (multi-node: nginx balances across them round-robin). */
function nginxConfig(dir: string, port: number, latchkeyPorts: number[], upstreamPort: number) {
  const userLine = process.getuid?.() === 0 ? 'user root;' : '';
  const sets = IDENTITY_HEADERS.map((h) => {
    const v = `latchkey_${h.slice(11).toLowerCase().replace(/-/g, '_')}`;
    return `      auth_request_set $${v} $upstream_http_${h.toLowerCase().replace(/-/g, '_')};
      proxy_set_header ${h} $${v};`;
  }).join('\n');
  return `${userLine}
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream latchkey { ${latchkeyPorts.map((p) => `server 127.0.0.1:${p};`).join(' ')} }
  server {
    listen 127.0.0.1:${port};
    location = /_latchkey_verify {
      internal;
      proxy_pass http://latchkey/auth/verify;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
    location / {
      auth_request /_latchkey_verify;
${sets}
      auth_request_set $latchkey_location $upstream_http_location;
      error_page 401 = @latchkey_401;
      proxy_pass http://127.0.0.1:${upstreamPort};
    }
    location @latchkey_401 {
      if ($latchkey_location) { return 302 $latchkey_location; }
      return 401;
    }
  }
}
`;
}

function caddyConfig(port: number, latchkeyPorts: number[], upstreamPort: number) {
  return `{
  admin off
  auto_https off
}
:${port} {
  bind 127.0.0.1
  route {
${IDENTITY_HEADERS.map((h) => `    request_header -${h}`).join('\n')}
    forward_auth ${latchkeyPorts.map((p) => `127.0.0.1:${p}`).join(' ')} {
      uri /auth/verify
      copy_headers ${IDENTITY_HEADERS.join(' ')}
    }
    reverse_proxy 127.0.0.1:${upstreamPort}
  }
}
`;
}

async function waitForPort(
  port: number,
  child: ChildProcess,
  log: () => string,
  scheme: 'http' | 'https' = 'http',
) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`proxy exited: ${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const send = scheme === 'https' ? httpsRequest : httpRequest;
      const options = { host: '127.0.0.1', port, path: '/', method: 'GET' };
      const req = send(
        scheme === 'https' ? { ...options, rejectUnauthorized: false } : options,
        (res) => {
          res.resume();
          resolve(true);
        },
      );
      req.setTimeout(2000, () => req.destroy());
      req.on('error', () => resolve(false));
      req.end();
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`proxy did not listen on ${port}: ${log()}`);
}

export async function startProxy(
  kind: ProxyKind,
  latchkeyPorts: number[],
  upstreamPort: number,
): Promise<RunningProxy> {
  const dir = mkdtempSync(path.join(tmpdir(), `latchkey-${kind}-`));
  const port = await freePort();
  let child: ChildProcess;
  let output = '';
  if (kind === 'nginx') {
    for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, d));
    writeFileSync(
      path.join(dir, 'nginx.conf'),
      nginxConfig(dir, port, latchkeyPorts, upstreamPort),
    );
    const check = spawnSync(NGINX, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], {
      encoding: 'utf8',
    });
    if (check.status !== 0) throw new Error(`nginx -t failed: ${check.stderr}`);
    child = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } else {
    writeFileSync(path.join(dir, 'Caddyfile'), caddyConfig(port, latchkeyPorts, upstreamPort));
    child = spawn(
      CADDY,
      ['run', '--adapter', 'caddyfile', '--config', path.join(dir, 'Caddyfile')],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
      },
    );
  }
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  await waitForPort(port, child, () => output.slice(-2000));
  return {
    kind,
    port,
    dir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A request through the proxy with a chosen Host (fetch cannot set one). */
export function viaProxy(
  proxy: RunningProxy,
  host: string,
  pathAndQuery: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: proxy.port,
        path: pathAndQuery,
        method,
        headers: { host: `${host}:${proxy.port}`, ...headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * nginx as the load balancer in front of several Latchkey nodes: docs/deploy.md's
 * configuration itself (its `several-nodes-nginx` block), with the example's node addresses,
 * listening port and certificate paths replaced, inside the few lines nginx needs to run
 * unprivileged. The access log names every node tried per request, so a test can count the
 * requests nginx passed to another node.
 */
export function loadBalancerConfig(
  dir: string,
  port: number,
  latchkeyPorts: number[],
  tlsDir: string,
): string {
  const [a, b, c] = latchkeyPorts;
  if (latchkeyPorts.length !== 3 || !a || !b || !c)
    throw new Error('the documented setup has three nodes');
  const site = localized('several-nodes-nginx', [
    ['10.0.0.11:8080', `127.0.0.1:${a}`],
    ['10.0.0.12:8080', `127.0.0.1:${b}`],
    ['10.0.0.13:8080', `127.0.0.1:${c}`],
    ['listen 443 ssl;', `listen 127.0.0.1:${port} ssl;`],
    ['/etc/latchkey/tls', tlsDir],
  ]);
  const userLine = process.getuid?.() === 0 ? 'user root;' : '';
  return `${userLine}
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  log_format tries '$status $request_method $upstream_addr $upstream_status';
  access_log ${dir}/access.log tries;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${site}
}
`;
}

const readLog = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** Starts nginx balancing across `latchkeyPorts` on `port` over HTTPS (a certificate from `tlsDir`). */
export async function startLoadBalancer(
  port: number,
  latchkeyPorts: number[],
  tlsDir: string,
): Promise<RunningProxy & { accessLog(): string; errorLog(): string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'latchkey-lb-'));
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, d));
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, loadBalancerConfig(dir, port, latchkeyPorts, tlsDir));
  const check = spawnSync(NGINX, ['-t', '-p', dir, '-c', conf], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t failed: ${check.stderr}`);
  const child = spawn(NGINX, ['-p', dir, '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  await waitForPort(port, child, () => output.slice(-2000), 'https');
  return {
    kind: 'nginx',
    port,
    dir,
    accessLog: () => readLog(path.join(dir, 'access.log')),
    errorLog: () => readLog(path.join(dir, 'error.log')),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
