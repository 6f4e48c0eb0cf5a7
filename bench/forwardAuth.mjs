#!/usr/bin/env node
// Forward authentication (issue 13): `/auth/verify` with a valid application password next to a
// bare node:http control in the same run, and nginx with auth_request to Latchkey next to the
// same nginx and upstream without it. Needs a build (npm run build -w @latchkey/server), wrk
// and, for the nginx pair, /usr/sbin/nginx.
//
//   node bench/forwardAuth.mjs [--duration 5] [--connections 32] [--threads 2] [--rounds 3]
//
// Targets (issue 13's: verify >= 0.6 x bare with p99 <= 10 ms at 32 connections; nginx with
// auth_request >= 0.5 x nginx without): bare, verify, nginx-plain, nginx-auth. Rounds are
// interleaved; the median of the rounds is printed as Markdown. Children and temporary
// directories are removed on exit.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HOST, childEnv, freePort } from './common.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'packages/server/dist/cli/main.js');
const BARE = path.join(ROOT, 'bench/bareServer.mjs');
const NGINX = '/usr/sbin/nginx';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
  },
  strict: true,
});
if (!existsSync(CLI)) {
  console.error('forwardAuth bench: build first (npm run build -w @latchkey/server)');
  process.exit(2);
}
if (spawnSync('wrk', ['--version']).error) {
  console.error('forwardAuth bench: needs wrk (apt-get install wrk)');
  process.exit(2);
}

const children = [];
const dirs = [];
function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

function start(command, args, env) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
}

async function ready(url, headers = {}) {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(url, { headers, signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      return r.status;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`nothing answers at ${url}`);
}

function cli(dataDir, args) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--data-dir', dataDir, '--json'], {
    env: childEnv({ LATCHKEY_ADMIN_PASSWORD: 'bench-admin-password' }),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`latchkey ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'latchkey-bench-fwd-'));
dirs.push(dataDir);
const lkPort = await freePort();
const barePort = await freePort();
start(process.execPath, [BARE, '--port', String(barePort)], childEnv());
cli(dataDir, ['migrate']);
cli(dataDir, [
  'service',
  'add',
  'bench',
  '--hosts',
  'bench.localhost,127.0.0.1',
  '--name',
  'Bench',
]);
start(
  process.execPath,
  [
    CLI,
    'serve',
    '--data-dir',
    dataDir,
    '--port',
    String(lkPort),
    '--env',
    'local',
    '--log-level',
    'warn',
  ],
  childEnv({ LATCHKEY_ADMIN_PASSWORD: 'bench-admin-password' }),
);
await ready(`http://${HOST}:${lkPort}/healthz`);
const { password } = cli(dataDir, ['app-password', 'create', 'admin', '--name', 'bench']);
const auth = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
await ready(`http://${HOST}:${barePort}/healthz`);

const verifyHeaders = {
  authorization: auth,
  'x-forwarded-method': 'GET',
  'x-forwarded-proto': 'http',
  'x-forwarded-host': 'bench.localhost',
  'x-forwarded-uri': '/wp-json/wp/v2/users/me',
};
const targets = {
  bare: { url: `http://${HOST}:${barePort}/wp-json/wp/v2/users/me`, headers: {} },
  verify: { url: `http://${HOST}:${lkPort}/auth/verify`, headers: verifyHeaders },
  // The REST hot path of issue 12 on the same server, for reference.
  rest: {
    url: `http://${HOST}:${lkPort}/wp-json/wp/v2/users/me`,
    headers: { authorization: auth },
  },
};

if (existsSync(NGINX)) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'latchkey-bench-nginx-'));
  dirs.push(dir);
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, d));
  const plainPort = await freePort();
  const authPort = await freePort();
  const conf = `${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream app { server ${HOST}:${barePort}; keepalive 32; }
  upstream latchkey { server ${HOST}:${lkPort}; keepalive 32; }
  server {
    listen ${HOST}:${plainPort};
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
  server {
    listen ${HOST}:${authPort};
    location = /_latchkey_verify {
      internal;
      proxy_pass http://latchkey/auth/verify;
      proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_pass_request_body off; proxy_set_header Content-Length "";
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
      proxy_set_header X-Original-Method $request_method;
    }
    location / {
      auth_request /_latchkey_verify;
      auth_request_set $latchkey_user $upstream_http_x_latchkey_user;
      proxy_set_header X-Latchkey-User $latchkey_user;
      proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";
    }
  }
}
`;
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  start(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], process.env);
  const hostHeader = {};
  targets['nginx-plain'] = {
    url: `http://${HOST}:${plainPort}/wp-json/wp/v2/users/me`,
    headers: hostHeader,
  };
  targets['nginx-auth'] = {
    url: `http://${HOST}:${authPort}/wp-json/wp/v2/users/me`,
    headers: { ...hostHeader, authorization: auth },
  };
  await ready(targets['nginx-plain'].url);
} else console.error(`no nginx at ${NGINX}: the nginx pair is skipped`);

for (const [name, t] of Object.entries(targets)) {
  const status = await ready(t.url, t.headers);
  if (status !== 200) throw new Error(`${name} answers ${status}, expected 200`);
}

function wrk(t) {
  const args = [
    '-t',
    values.threads,
    '-c',
    values.connections,
    '-d',
    `${values.duration}s`,
    '--latency',
  ];
  for (const [k, v] of Object.entries(t.headers)) args.push('-H', `${k}: ${v}`);
  const r = spawnSync('wrk', [...args, t.url], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? NaN);
  const p99Text = /99%\s+([\d.]+)(us|ms|s)/.exec(r.stdout);
  const p99 = p99Text ? Number(p99Text[1]) * { us: 0.001, ms: 1, s: 1000 }[p99Text[2]] : NaN;
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
  return { rps, p99, non2xx };
}

// A short unmeasured run per target first: the JIT and the caches warm up outside the figures.
for (const t of Object.values(targets)) wrk({ ...t, warmup: true });

const rounds = Number(values.rounds);
const results = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
for (let round = 1; round <= rounds; round++) {
  for (const [name, t] of Object.entries(targets)) {
    const r = wrk(t);
    results[name].push(r);
    console.error(
      `round ${round} ${name}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99.toFixed(2)} ms, non-2xx ${r.non2xx}`,
    );
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = Object.fromEntries(
  Object.entries(results).map(([k, rs]) => [
    k,
    {
      rps: median(rs.map((r) => r.rps)),
      p99: median(rs.map((r) => r.p99)),
      non2xx: rs.reduce((a, r) => a + r.non2xx, 0),
    },
  ]),
);
console.log(`| target | req/s | p99 ms | non-2xx | ratio | goal |`);
console.log(`|---|---|---|---|---|---|`);
const row = (name, ratioTo, goal) => {
  const r = m[name];
  if (!r) return;
  const ratio = ratioTo ? (r.rps / m[ratioTo].rps).toFixed(2) : '';
  console.log(
    `| ${name} | ${r.rps.toFixed(0)} | ${r.p99.toFixed(2)} | ${r.non2xx} | ${ratio} | ${goal} |`,
  );
};
row('bare', undefined, 'control');
row('verify', 'bare', '>= 0.6 x bare, p99 <= 10 ms');
row('rest', 'bare', 'reference: the REST hot path (issue 12)');
row('nginx-plain', undefined, 'control');
row('nginx-auth', 'nginx-plain', '>= 0.5 x nginx-plain');
