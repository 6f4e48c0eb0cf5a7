#!/usr/bin/env node
// Load benchmark for a built Latchkey server (packages/server/dist). Builds nothing itself.
//
//   node bench/run.mjs [--duration 10] [--connections 10] [--scenario all|<name>[,<name>...]]
//
// Starts `latchkey serve` as a child process on 127.0.0.1 (free port, fresh temp data dir,
// embedded SQLite store, in-memory rate limits), waits for /healthz, runs each scenario with
// autocannon, prints a Markdown table on stdout (progress goes to stderr) and stops the server,
// also on errors, Ctrl-C and the overall deadline.

import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { URLSearchParams, fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { HOST, childEnv, fetchCsrf, freePort } from './common.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_MAIN = path.join(ROOT, 'packages/server/dist/cli/main.js');
const ADMIN_LOGIN = 'admin';

/**
 * The scenarios, in the order `all` runs them. `wrong-password` must stay last: its failures
 * lock 127.0.0.1 out of password sign-in (a 30 s wait after 5 failures for one account and
 * address, 5 minutes after 30 failed credentials from one address), which would turn a later
 * `sign-in` run into 429s.
 */
const SCENARIOS = {
  'wp-json': {
    describe: 'GET /wp-json/ (REST index, no auth)',
    expected: [200],
    prepare: async () => ({ method: 'GET', path: '/wp-json/' }),
  },
  'login-page': {
    describe: 'GET /login (sign-in page, new CSRF cookie each time)',
    expected: [200],
    prepare: async () => ({ method: 'GET', path: '/login' }),
  },
  'app-password-1': {
    describe: 'GET /wp-json/wp/v2/users/me with HTTP Basic; the user has 1 application password',
    expected: [200],
    prepare: async (server) => appPasswordRequest(server, 'bench-one', 1),
  },
  'app-password-1000': {
    describe: 'the same; the user has 1,000 application passwords (cost must not grow)',
    expected: [200],
    prepare: async (server) => appPasswordRequest(server, 'bench-thousand', 1000),
  },
  'sign-in': {
    describe: 'POST /login, correct password (argon2id verify + session + audit row)',
    expected: [302],
    prepare: async (server) => signInRequest(server, server.adminPassword, 302),
  },
  'wrong-password': {
    describe: 'POST /login, wrong password (200 until the limits answer 429)',
    expected: [200, 429],
    prepare: async (server) => signInRequest(server, `${server.adminPassword}-wrong`, 200),
  },
};

const USAGE = `Usage: node bench/run.mjs [options]   (or: npm run bench -- [options])

  --duration <s>      seconds per scenario (default 10)
  --connections <n>   concurrent connections (default 10)
  --scenario <name>   all (default) or a comma-separated list of:
${Object.entries(SCENARIOS)
  .map(([name, s]) => `                        ${name.padEnd(15)} ${s.describe}`)
  .join('\n')}
  -h, --help          this text

Needs a prior build: npm run build -w @latchkey/server`;

const log = (...args) => console.error('[bench]', ...args);

function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        duration: { type: 'string', default: '10' },
        connections: { type: 'string', default: '10' },
        scenario: { type: 'string', default: 'all' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error.message.split('\n')[0]);
  }
  if (values.help) return { help: true };
  const duration = Number(values.duration);
  if (!Number.isInteger(duration) || duration < 1 || duration > 3600) {
    throw new UsageError(
      `--duration: expected whole seconds from 1 to 3600, got "${values.duration}"`,
    );
  }
  const connections = Number(values.connections);
  if (!Number.isInteger(connections) || connections < 1 || connections > 1000) {
    throw new UsageError(
      `--connections: expected an integer from 1 to 1000, got "${values.connections}"`,
    );
  }
  const names =
    values.scenario === 'all'
      ? Object.keys(SCENARIOS)
      : values.scenario
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  const unknown = names.filter((n) => !(n in SCENARIOS));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `--scenario: unknown "${unknown.join(',') || values.scenario}"; expected all or ${Object.keys(SCENARIOS).join(', ')}`,
    );
  }
  // Keep the safe order whatever order was asked for.
  const scenarios = Object.keys(SCENARIOS).filter((n) => names.includes(n));
  return { help: false, duration, connections, scenarios };
}

class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------
// Server process

async function startServer(dataDir, adminPassword, deadlineMs) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        SERVER_MAIN,
        'serve',
        '--env',
        'local',
        '--host',
        HOST,
        '--port',
        String(port),
        '--data-dir',
        dataDir,
        '--log-level',
        'warn',
      ],
      {
        cwd: ROOT,
        env: childEnv({ LATCHKEY_ADMIN_PASSWORD: adminPassword }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const server = {
      child,
      port,
      origin: `http://${HOST}:${port}`,
      adminPassword,
      dataDir,
      output: [], // every line the server printed (at --log-level warn: the banner, then warnings)
      exited: null,
    };
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) if (line.trim()) server.output.push(line);
      });
    }
    const exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        server.exited = { code, signal };
        resolve(server.exited);
      }),
    );
    server.waitExit = () => exited;

    const ready = await waitHealthy(server, deadlineMs);
    if (ready) return server;
    const text = server.output.join('\n');
    if (server.exited && /EADDRINUSE/.test(text) && attempt < 3) {
      log(`port ${port} was taken meanwhile; retrying`);
      continue;
    }
    await stopServer(server);
    throw new Error(
      `the server did not become healthy (${server.exited ? `exited ${JSON.stringify(server.exited)}` : 'timed out'})` +
        (text ? `; its output:\n${text}` : ''),
    );
  }
}

async function waitHealthy(server, deadlineMs) {
  while (Date.now() < deadlineMs && !server.exited) {
    try {
      const res = await fetch(`${server.origin}/healthz`, { signal: AbortSignal.timeout(2000) });
      const body = await res.text();
      if (res.status === 200) {
        server.health = body;
        return true;
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return false;
}

async function stopServer(server) {
  if (!server || server.exited) return;
  server.child.kill('SIGTERM');
  const killed = await Promise.race([server.waitExit(), sleep(5000).then(() => null)]);
  if (!killed) {
    log('the server did not stop within 5 s of SIGTERM; sending SIGKILL');
    server.child.kill('SIGKILL');
    await Promise.race([server.waitExit(), sleep(2000)]);
  }
}

/**
 * CPU accounting for one scenario (Linux only; undefined elsewhere): machine-wide busy time from
 * /proc/stat, the server's from /proc/<pid>/stat, this process's (autocannon) from
 * process.cpuUsage(). "Other" is whatever else ran on the machine meanwhile; a large value means
 * the numbers were disturbed.
 */
function cpuSnapshot(server) {
  try {
    const ticks = 100; // USER_HZ on Linux
    const line = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal = 0] = line;
    const fields = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const usage = process.cpuUsage();
    return {
      at: process.hrtime.bigint(),
      busy: (user + nice + system + irq + softirq) / ticks,
      idle: (idle + iowait) / ticks,
      steal: steal / ticks,
      server: (Number(fields[11]) + Number(fields[12])) / ticks,
      harness: (usage.user + usage.system) / 1e6,
    };
  } catch {
    return undefined;
  }
}

/** Average cores used between two snapshots. */
function cpuBetween(a, b) {
  if (!a || !b) return undefined;
  const seconds = Number(b.at - a.at) / 1e9;
  const cores = (x) => Math.max(0, x) / seconds;
  const busy = b.busy - a.busy;
  const server = b.server - a.server;
  const harness = b.harness - a.harness;
  return {
    server: cores(server),
    harness: cores(harness),
    other: cores(busy - server - harness),
    steal: cores(b.steal - a.steal),
  };
}

/** Resident memory of the server process (Linux only; undefined elsewhere). */
function serverMemory(server) {
  try {
    const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
    const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

/** Fetches the sign-in form once: the `latchkey_csrf` cookie and the form's `_csrf` token. */

/**
 * One POST /login request, reused for every request of the storm (the browser CSRF token is
 * derived from the cookie, so one pair stays valid). Checked once before the storm.
 */
/**
 * Creates a user with `count` application passwords straight in the server's SQLite store
 * (through the built modules, as the CLI would) and returns a request using the last one.
 */
async function appPasswordRequest(server, login, count) {
  const dist = path.join(ROOT, 'packages/server/dist');
  const { openStore } = await import(pathToFileURL(path.join(dist, 'store/index.js')).href);
  const { createUser } = await import(pathToFileURL(path.join(dist, 'accounts/index.js')).href);
  const { createApplicationPassword } = await import(
    pathToFileURL(path.join(dist, 'app-passwords/index.js')).href
  );
  const store = openStore({ databaseUrl: undefined, dataDir: server.dataDir });
  let password;
  try {
    const user = await createUser(store.db, {
      login,
      email: `${login}@example.com`,
      password: randomBytes(12).toString('hex'),
      role: 'author',
    });
    for (let i = 0; i < count; i++) {
      password = (
        await createApplicationPassword(
          store.db,
          { userId: user.id, name: `bench ${i}` },
          Date.now(),
        )
      ).password;
    }
  } finally {
    await store.close();
  }
  const authorization = `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
  const check = await fetch(`${server.origin}/wp-json/wp/v2/users/me?_fields=id`, {
    headers: { authorization },
  });
  if (check.status !== 200)
    throw new Error(`application password preflight answered ${check.status}`);
  return { method: 'GET', path: '/wp-json/wp/v2/users/me?_fields=id', headers: { authorization } };
}

async function signInRequest(server, password, expectStatus) {
  const { cookie, token } = await fetchCsrf(server.origin);
  const body = new URLSearchParams({ _csrf: token, log: ADMIN_LOGIN, pwd: password }).toString();
  const headers = { 'content-type': 'application/x-www-form-urlencoded', cookie };
  const probe = await fetch(`${server.origin}/login`, {
    method: 'POST',
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(10000),
  });
  await probe.arrayBuffer();
  if (probe.status !== expectStatus) {
    throw new Error(`preflight POST /login: expected ${expectStatus}, got ${probe.status}`);
  }
  return { method: 'POST', path: '/login', headers, body };
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** Nearest-rank percentile of a sorted array. */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function runAutocannon(opts) {
  return new Promise((resolve, reject) => {
    // Autocannon's own latency histogram has 1 ms resolution; keep every response time (ms,
    // fractional) as well, for sub-millisecond percentiles.
    let times = new Float64Array(1 << 16);
    let count = 0;
    const instance = autocannon(opts, (error, result) => {
      if (error) reject(error);
      else resolve({ result, times: times.subarray(0, count) });
    });
    instance.on('response', (_client, _statusCode, _bytes, responseTime) => {
      if (count === times.length) {
        const bigger = new Float64Array(times.length * 2);
        bigger.set(times);
        times = bigger;
      }
      times[count++] = responseTime;
    });
  });
}

async function runScenario(name, server, { duration, connections }) {
  const scenario = SCENARIOS[name];
  const request = await scenario.prepare(server);
  log(`${name}: ${request.method} ${request.path}, ${connections} connections, ${duration} s`);
  const cpuBefore = cpuSnapshot(server);
  const { result, times } = await runAutocannon({
    url: `${server.origin}${request.path}`,
    method: request.method,
    headers: request.headers ?? {},
    body: request.body,
    connections,
    duration,
    timeout: 10,
  });
  const cpu = cpuBetween(cpuBefore, cpuSnapshot(server));
  const sorted = Float64Array.from(times).sort();
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]),
  );
  const count = (pred) =>
    Object.entries(statuses).reduce((n, [code, c]) => n + (pred(Number(code)) ? c : 0), 0);
  return {
    name,
    describe: scenario.describe,
    expected: scenario.expected,
    reqPerSec: result.requests.average,
    total: result.requests.total,
    seconds: result.duration,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    statuses,
    unexpected: count((code) => !scenario.expected.includes(code)),
    not2xx3xx: count((code) => code < 200 || code >= 400),
    errors: result.errors,
    timeouts: result.timeouts,
    memory: serverMemory(server),
    cpu,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (n, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const ms = (n) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : 'n/a');

function markdownTable(rows) {
  const header = [
    'Scenario',
    'Expected',
    'Req/s (avg)',
    'p50 ms',
    'p99 ms',
    'Total',
    'Unexpected status',
    'Non-2xx/3xx',
    'Errors / timeouts',
    'Statuses',
  ];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((h, i) => (i < 2 || i === header.length - 1 ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const r of rows) {
    const statuses = Object.entries(r.statuses)
      .map(([code, c]) => `${code}×${c}`)
      .join(', ');
    lines.push(
      `| ${[
        `\`${r.name}\``,
        r.expected.join('/'),
        fmt(r.reqPerSec, 1),
        ms(r.p50),
        ms(r.p99),
        fmt(r.total),
        fmt(r.unexpected),
        fmt(r.not2xx3xx),
        `${r.errors} / ${r.timeouts}`,
        statuses || '—',
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`bench: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (!existsSync(SERVER_MAIN)) {
    console.error(
      `bench: ${path.relative(process.cwd(), SERVER_MAIN) || SERVER_MAIN} is missing. ` +
        'Build the server first: npm run build -w @latchkey/server',
    );
    return 1;
  }

  // Everything is bounded: startup, each scenario (its duration plus slack for the preflight,
  // in-flight requests and autocannon's 10 s request timeout), and shutdown.
  const budgetMs = 30_000 + options.scenarios.length * (options.duration * 1000 + 20_000) + 10_000;
  const deadline = Date.now() + budgetMs;
  let server;
  let dataDir;
  let cleaningUp = false;
  const cleanup = async () => {
    if (cleaningUp) return;
    cleaningUp = true;
    await stopServer(server).catch((e) => log(`stopping the server failed: ${e.message}`));
    if (dataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => {});
  };
  const watchdog = setTimeout(() => {
    log(`overall time limit of ${Math.round(budgetMs / 1000)} s exceeded; stopping`);
    void cleanup().finally(() => process.exit(1));
  }, budgetMs);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: stopping the server`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'latchkey-bench-'));
    const adminPassword = `bench-${randomBytes(12).toString('base64url')}`;
    const started = Date.now();
    server = await startServer(dataDir, adminPassword, Math.min(deadline, Date.now() + 30_000));
    log(`server up on ${server.origin} in ${Date.now() - started} ms (${server.health})`);
    const bannerLines = server.output.length;

    const rows = [];
    for (const name of options.scenarios) {
      if (server.exited) throw new Error(`the server exited: ${JSON.stringify(server.exited)}`);
      const row = await runScenario(name, server, options);
      rows.push(row);
      log(
        `${name}: ${fmt(row.reqPerSec, 1)} req/s, p50 ${ms(row.p50)} ms, p99 ${ms(row.p99)} ms, ` +
          `${fmt(row.total)} requests, ${row.unexpected} unexpected`,
      );
    }
    const serverLog = server.output.slice(bannerLines);

    const cpu = os.cpus();
    console.log(
      `Latchkey bench: ${options.duration} s per scenario, ${options.connections} connections, ` +
        `server and autocannon on ${HOST} (SQLite store, in-memory rate limits); ` +
        `node ${process.version}, ${cpu.length} × ${cpu[0]?.model?.trim() ?? 'unknown CPU'}\n`,
    );
    console.log(markdownTable(rows));
    console.log('');
    for (const r of rows) {
      const mem = r.memory
        ? `server RSS ${fmt(r.memory.rssMiB)} MiB (peak so far ${fmt(r.memory.peakMiB)} MiB)`
        : 'server RSS n/a';
      const cpu = r.cpu
        ? `CPU in cores: server ${fmt(r.cpu.server, 2)}, autocannon ${fmt(r.cpu.harness, 2)}, ` +
          `other processes ${fmt(r.cpu.other, 2)}${r.cpu.steal >= 0.05 ? `, steal ${fmt(r.cpu.steal, 2)}` : ''}`
        : 'CPU n/a';
      console.log(
        `- \`${r.name}\`: ${r.describe}; ${fmt(r.seconds, 2)} s, max ${ms(r.max)} ms; ${cpu}; ${mem}`,
      );
    }
    const disturbed = rows.filter((r) => r.cpu && r.cpu.other >= 0.25);
    if (disturbed.length > 0) {
      console.log(
        `\nWarning: other processes used CPU during ${disturbed
          .map((r) => `\`${r.name}\` (${fmt(r.cpu.other, 2)} cores)`)
          .join(', ')}; those numbers are disturbed. Rerun on a quiet machine.`,
      );
    }
    if (serverLog.length > 0) {
      console.log(`\nThe server logged ${serverLog.length} line(s) at warn or above; the first:`);
      for (const line of serverLog.slice(0, 5)) console.log(`    ${line.slice(0, 300)}`);
    }
    const bad = rows.filter((r) => r.unexpected > 0 || r.errors > 0 || r.timeouts > 0);
    return bad.length > 0 ? 3 : 0;
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`bench: ${error.message}`);
    process.exitCode = 1;
  },
);
