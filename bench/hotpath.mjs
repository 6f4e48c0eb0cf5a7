#!/usr/bin/env node
// The hot-path benchmark of issue 12: Latchkey's application-password route next to a bare
// node:http control, measured in the same run with wrk. Builds nothing itself.
//
//   node bench/hotpath.mjs [--duration 5] [--connections 32] [--threads 2] [--rounds 3]
//                          [--store sqlite|postgres|both] [--only <names>] [--warmup 1] [--write]
//
// Starts bench/bareServer.mjs and one `latchkey serve` per store as child processes on
// 127.0.0.1, creates the users and application passwords straight in each store through the
// built modules, preflights every target once with fetch, then runs the targets in interleaved
// rounds (round 1: every target once, round 2: every target again, ...) and prints the median of
// the rounds as Markdown on stdout (progress goes to stderr). Every child is stopped and every
// temporary directory and database removed on exit, on errors, on Ctrl-C and at the deadline.
// See bench/README.md.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL, URLSearchParams, fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { HOST, childEnv, fetchCsrf, freePort } from './common.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_DIR = path.join(ROOT, 'packages/server');
const SERVER_MAIN = path.join(SERVER_DIR, 'dist/cli/main.js');
const BARE_MAIN = path.join(ROOT, 'bench/bareServer.mjs');
const RESULTS = path.join(ROOT, 'bench/RESULTS.md');
const ROUTE = '/wp-json/wp/v2/users/me';
const WRK = 'wrk';
const SIGN_INS_PER_SECOND = 20;
/** Loopback is the only proxy the server believes, so X-Forwarded-For works from the harness. */
const TRUST_PROXY = '127.0.0.1/32';
/** The flood's addresses are 10.a.b.c with c in 1..250; the preflight uses these two. */
const PROBE_LOCKED_ADDRESS = '10.255.255.254';
const PROBE_FRESH_ADDRESS = '10.255.255.252';

const LOGINS = {
  one: 'bench-one',
  thousand: 'bench-thousand',
  flood: 'bench-flood',
  signIn: 'bench-signin',
};

/**
 * Every target, in the order a round runs them. `bare` runs once per round; the others once per
 * store per round. `needs`: targets whose figure the comparison uses (added to --only).
 */
const TARGETS = {
  bare: {
    global: true,
    describe: `GET ${ROUTE} on bench/bareServer.mjs: node:http and a fixed JSON body (the control)`,
    expects: '200',
  },
  'valid-ap': {
    describe: `GET ${ROUTE}, HTTP Basic with a valid application password (the user has 1)`,
    expects: '200',
  },
  'valid-ap-1000': {
    describe: 'the same for a user with 1,000 application passwords (the newest one is presented)',
    expects: '200',
    needs: ['valid-ap'],
  },
  anonymous: {
    describe: `GET ${ROUTE} without credentials`,
    expects: '401',
  },
  'flood-baseline': {
    describe: 'valid-ap at the good half of the flood (half the threads and connections), no flood',
    expects: '200',
  },
  flood: {
    describe:
      'valid-ap (good half) while the other half sends wrong application passwords, a random ' +
      'X-Forwarded-For 10.x.y.z per request',
    expects: '200 (good); 401/429 (flood)',
    needs: ['flood-baseline'],
  },
  'during-sign-ins': {
    describe: `valid-ap while the harness signs in ${SIGN_INS_PER_SECOND} times a second (POST /login, 302)`,
    expects: '200; sign-ins 302',
    needs: ['valid-ap'],
  },
};

const USAGE = `Usage: node bench/hotpath.mjs [options]   (or: npm run bench:hotpath -- [options])

  --duration <s>      seconds per target and round (default 5)
  --connections <n>   wrk connections (default 32); the flood and its baseline use half
  --threads <n>       wrk threads (default 2); the flood and its baseline use half
  --rounds <n>        interleaved rounds; the report gives the median (default 3)
  --store <s>         sqlite | postgres | both (default: both when DATABASE_URL is set, else sqlite)
  --only <names>      comma-separated targets (the ones their comparisons need are added):
${Object.entries(TARGETS)
  .map(([name, t]) => `                        ${name.padEnd(16)} ${t.describe}`)
  .join('\n')}
  --warmup <s>        unrecorded warm-up per plain target before round 1 (default 1, 0: none)
  --write             also add the report to bench/RESULTS.md (newest first)
  -h, --help          this text

Needs wrk on PATH (Debian/Ubuntu: apt-get install wrk) and a prior build:
npm run build -w @latchkey/server. PostgreSQL: DATABASE_URL points at a server where the user
may create databases; the harness creates latchkey_bench_<random> there and drops it afterwards.`;

const log = (...args) => console.error('[hotpath]', ...args);

class UsageError extends Error {}

function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        duration: { type: 'string', default: '5' },
        connections: { type: 'string', default: '32' },
        threads: { type: 'string', default: '2' },
        rounds: { type: 'string', default: '3' },
        store: { type: 'string' },
        only: { type: 'string' },
        warmup: { type: 'string', default: '1' },
        write: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error.message.split('\n')[0]);
  }
  if (values.help) return { help: true };
  const int = (name, min, max) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(
        `--${name}: expected an integer from ${min} to ${max}, got "${values[name]}"`,
      );
    }
    return n;
  };
  const duration = int('duration', 1, 3600);
  const connections = int('connections', 2, 10000);
  const threads = int('threads', 1, 64);
  const rounds = int('rounds', 1, 50);
  const warmup = int('warmup', 0, 60);
  if (threads > connections) throw new UsageError('--threads must not exceed --connections');

  const databaseUrl = process.env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new UsageError('DATABASE_URL must be a postgres:// URL');
  }
  let stores;
  let storeNote;
  if (values.store === undefined) {
    stores = databaseUrl ? ['sqlite', 'postgres'] : ['sqlite'];
    storeNote = databaseUrl
      ? 'DATABASE_URL is set: measuring SQLite and PostgreSQL (--store to choose)'
      : 'DATABASE_URL is not set: measuring SQLite only (set it for PostgreSQL too)';
  } else if (values.store === 'both') {
    stores = ['sqlite', 'postgres'];
  } else if (values.store === 'sqlite' || values.store === 'postgres') {
    stores = [values.store];
  } else {
    throw new UsageError(`--store: expected sqlite, postgres or both, got "${values.store}"`);
  }
  if (stores.includes('postgres') && !databaseUrl) {
    throw new UsageError(
      '--store postgres/both needs DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)',
    );
  }

  let targets = Object.keys(TARGETS);
  const added = [];
  if (values.only !== undefined) {
    const names = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = names.filter((n) => !(n in TARGETS));
    if (names.length === 0 || unknown.length > 0) {
      throw new UsageError(
        `--only: unknown "${unknown.join(',') || values.only}"; expected ${Object.keys(TARGETS).join(', ')}`,
      );
    }
    const wanted = new Set(names);
    // Every ratio is to the bare control of the same round, so it always runs.
    for (const name of [...wanted, 'bare']) {
      for (const need of ['bare', ...(TARGETS[name].needs ?? [])]) {
        if (!wanted.has(need)) {
          wanted.add(need);
          added.push(need);
        }
      }
    }
    targets = Object.keys(TARGETS).filter((n) => wanted.has(n));
  }
  const half = (n) => Math.max(1, Math.floor(n / 2));
  return {
    help: false,
    duration,
    connections,
    threads,
    halfConnections: half(connections),
    halfThreads: Math.min(half(threads), half(connections)),
    rounds,
    warmup,
    write: values.write,
    stores,
    storeNote,
    databaseUrl,
    targets,
    added: [...new Set(added)],
  };
}

// ---------------------------------------------------------------------------------------------
// Child processes and cleanup

/** Cleanup steps, run last-registered first; wrk processes are killed before any of them. */
const cleanupSteps = [];
const liveWrk = new Set();
/** Every server started, for the error report: the output of one that died is shown. */
const allProcs = [];
let cleaning;

function cleanup() {
  cleaning ??= (async () => {
    for (const child of liveWrk) child.kill('SIGKILL');
    while (cleanupSteps.length > 0) {
      const { what, run } = cleanupSteps.pop();
      try {
        await run();
      } catch (error) {
        log(`cleanup: ${what} failed: ${error.message}`);
      }
    }
  })();
  return cleaning;
}

const onCleanup = (what, run) => cleanupSteps.push({ what, run });

/**
 * Spawns a server (`argsFor(port)`) on a free port and waits for GET /healthz to answer 200.
 * Retries twice when the port was taken meanwhile. Registers its stop as a cleanup step.
 */
async function startProcess(label, argsFor, env, deadlineMs) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(process.execPath, argsFor(port), {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = {
      label,
      child,
      pid: child.pid,
      port,
      origin: `http://${HOST}:${port}`,
      output: [],
      exited: null,
    };
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) if (line.trim()) proc.output.push(line);
      });
    }
    const exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        proc.exited = { code, signal };
        resolve(proc.exited);
      }),
    );
    proc.waitExit = () => exited;
    allProcs.push(proc);
    onCleanup(`stopping ${label}`, () => stopProcess(proc));

    while (Date.now() < deadlineMs && !proc.exited) {
      try {
        const res = await fetch(`${proc.origin}/healthz`, { signal: AbortSignal.timeout(2000) });
        const body = await res.text();
        if (res.status === 200) {
          proc.health = body;
          proc.bannerLines = proc.output.length;
          return proc;
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    const text = proc.output.join('\n');
    await stopProcess(proc);
    if (proc.exited && /EADDRINUSE/.test(text) && attempt < 3) {
      log(`${label}: port ${port} was taken meanwhile; retrying`);
      continue;
    }
    throw new Error(
      `${label} did not become healthy (${proc.exited && proc.exited.code !== null ? `exited ${JSON.stringify(proc.exited)}` : 'timed out'})` +
        (text ? `; its output:\n${text}` : ''),
    );
  }
}

async function stopProcess(proc) {
  if (!proc || proc.exited) return;
  proc.stopping = true;
  proc.child.kill('SIGTERM');
  const stopped = await Promise.race([proc.waitExit(), sleep(5000).then(() => null)]);
  if (!stopped) {
    log(`${proc.label} did not stop within 5 s of SIGTERM; sending SIGKILL`);
    proc.child.kill('SIGKILL');
    await Promise.race([proc.waitExit(), sleep(2000)]);
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: a fresh database per run

const requireFromServer = createRequire(path.join(SERVER_DIR, 'package.json'));

/** URL without its password, for printing. */
function redactUrl(url) {
  const u = new URL(url);
  u.password = '';
  return u.toString();
}

async function withPg(adminUrl, fn) {
  const pg = requireFromServer('pg');
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createBenchDatabase(adminUrl) {
  const name = `latchkey_bench_${randomBytes(6).toString('hex')}`;
  await withPg(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  onCleanup(`dropping database ${name}`, () => dropBenchDatabase(adminUrl, name));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function dropBenchDatabase(adminUrl, name) {
  await withPg(adminUrl, async (client) => {
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } catch (error) {
      // PostgreSQL before 13 has no FORCE; the server is stopped by now anyway.
      if (error.code !== '42601') throw error;
      await client.query(`DROP DATABASE IF EXISTS ${name}`);
    }
  });
  log(`dropped database ${name}`);
}

// ---------------------------------------------------------------------------------------------
// Fixtures and preflights

const basic = (login, password) =>
  `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;

/** Users and application passwords, written straight into the store through the built modules. */
async function createFixtures(ctx, targets) {
  const dist = path.join(SERVER_DIR, 'dist');
  const load = (p) => import(pathToFileURL(path.join(dist, p)).href);
  const { openStore } = await load('store/index.js');
  const { createUser } = await load('accounts/index.js');
  const { createApplicationPassword } = await load('app-passwords/index.js');
  const store = openStore({ databaseUrl: ctx.databaseUrl, dataDir: ctx.dataDir });
  const fixtures = {};
  try {
    const user = (login, password = `bench-${randomBytes(12).toString('hex')}`) =>
      createUser(store.db, { login, email: `${login}@example.com`, password, role: 'author' });
    const withPasswords = async (login, count) => {
      const { id } = await user(login);
      let password;
      const started = Date.now();
      await store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < count; i++) {
          ({ password } = await createApplicationPassword(
            trx,
            { userId: id, name: `bench ${i}` },
            Date.now(),
          ));
        }
      });
      if (count > 1)
        log(`${ctx.store}: ${count} application passwords in ${Date.now() - started} ms`);
      return { id, login, password, authorization: basic(login, password) };
    };
    fixtures.one = await withPasswords(LOGINS.one, 1);
    if (targets.includes('valid-ap-1000')) {
      fixtures.thousand = await withPasswords(LOGINS.thousand, 1000);
    }
    if (targets.includes('flood')) fixtures.flood = await withPasswords(LOGINS.flood, 1);
    if (targets.includes('during-sign-ins')) {
      const password = `bench-${randomBytes(12).toString('hex')}`;
      await user(LOGINS.signIn, password);
      fixtures.signIn = { login: LOGINS.signIn, password };
    }
  } finally {
    await store.close();
  }
  return fixtures;
}

async function get(url, headers = {}) {
  const res = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(10000) });
  const body = await res.text();
  return { status: res.status, body, type: res.headers.get('content-type') ?? '' };
}

function expectStatus(what, res, status) {
  if (res.status !== status) {
    throw new Error(
      `preflight ${what}: expected ${status}, got ${res.status}: ${res.body.slice(0, 300)}`,
    );
  }
}

/** users/me with the fixture's password must answer 200 with that user's id. */
async function preflightUser(ctx, what, fixture) {
  const res = await get(`${ctx.proc.origin}${ROUTE}`, { authorization: fixture.authorization });
  expectStatus(what, res, 200);
  const id = JSON.parse(res.body).id;
  if (id !== fixture.id) {
    throw new Error(`preflight ${what}: answered user ${id}, expected ${fixture.id}`);
  }
  return res;
}

/** The sign-in form once: the `latchkey_csrf` cookie and the form's `_csrf` token. */

/** Address of the n-th sign-in of the run: 192.168.x.y, distinct for 65,536 sign-ins. */
const signInAddress = (n) => `192.168.${(n >> 8) & 255}.${n & 255}`;

async function postSignIn(ctx, address) {
  const res = await fetch(`${ctx.proc.origin}/login`, {
    method: 'POST',
    headers: { ...ctx.signIn.headers, 'x-forwarded-for': address },
    body: ctx.signIn.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(10000),
  });
  await res.arrayBuffer();
  return res.status;
}

async function preflightStore(ctx, targets) {
  const origin = ctx.proc.origin;
  const checks = [];
  const one = await preflightUser(ctx, `valid-ap (${LOGINS.one})`, ctx.fixtures.one);
  ctx.bodyBytes = Buffer.byteLength(one.body);
  checks.push(`valid-ap 200 (${ctx.bodyBytes}-byte body)`);
  if (ctx.fixtures.thousand) {
    await preflightUser(ctx, `valid-ap-1000 (${LOGINS.thousand})`, ctx.fixtures.thousand);
    checks.push('valid-ap-1000 200');
  }
  if (targets.includes('anonymous')) {
    expectStatus('anonymous', await get(`${origin}${ROUTE}`), 401);
    checks.push('anonymous 401');
  }
  if (ctx.fixtures.flood) {
    // The flood relies on X-Forwarded-For being believed from loopback: wrong passwords from
    // one address must reach that address's limit (429) while a fresh address still gets 401
    // and loopback's own good credentials still get 200.
    const wrong = basic(LOGINS.flood, 'x'.repeat(24));
    const statuses = [];
    for (let i = 0; i < 60 && !statuses.includes(429); i++) {
      const res = await get(`${origin}${ROUTE}`, {
        authorization: wrong,
        'x-forwarded-for': PROBE_LOCKED_ADDRESS,
      });
      if (res.status !== 401 && res.status !== 429)
        expectStatus('flood (wrong password)', res, 401);
      statuses.push(res.status);
    }
    if (!statuses.includes(429)) {
      throw new Error(
        `preflight flood: 60 wrong passwords from X-Forwarded-For ${PROBE_LOCKED_ADDRESS} never ` +
          'got 429, so the per-address limit could not be seen; is --trust-proxy honoured?',
      );
    }
    const fresh = await get(`${origin}${ROUTE}`, {
      authorization: wrong,
      'x-forwarded-for': PROBE_FRESH_ADDRESS,
    });
    expectStatus(`flood (wrong password from a fresh X-Forwarded-For)`, fresh, 401);
    await preflightUser(ctx, 'valid-ap after the flood probe', ctx.fixtures.one);
    checks.push(
      `flood: ${statuses.length - 1} × 401 then 429 from one forwarded address, 401 from another`,
    );
  }
  if (ctx.fixtures.signIn) {
    const { cookie, token } = await fetchCsrf(origin);
    ctx.signIn = {
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({
        _csrf: token,
        log: ctx.fixtures.signIn.login,
        pwd: ctx.fixtures.signIn.password,
      }).toString(),
    };
    const status = await postSignIn(ctx, signInAddress(0));
    if (status !== 302) throw new Error(`preflight sign-in: expected 302, got ${status}`);
    checks.push('sign-in 302');
  }
  return checks;
}

// ---------------------------------------------------------------------------------------------
// wrk and its Lua scripts

function luaString(s) {
  if (!/^[\x20-\x7e]*$/.test(s)) throw new Error(`not printable ASCII: ${JSON.stringify(s)}`);
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * Lua shared by every script: `done` prints one machine-readable line with wrk's own summary,
 * exact latency percentiles (µs) and, when the script counts them, every status seen.
 */
const LUA_DONE = `
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function done(summary, latency, requests)
  local counts = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if type(s) == "table" then
      for code, n in pairs(s) do counts[code] = (counts[code] or 0) + n end
    end
  end
  local st = {}
  for code, n in pairs(counts) do table.insert(st, string.format('"%d":%d', code, n)) end
  local e = summary.errors
  io.write(string.format(
    '\\nBENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f},"statuses":{%s}}\\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, table.concat(st, ",")))
end
`;

/**
 * Every script counts the statuses it sees with wrk's `response` hook (in a test on this
 * machine it did not change wrk's throughput against the bare control measurably, and the
 * bare control pays it too), so an unexpected 3xx or 5xx is caught, not just "non-2xx/3xx".
 */
const LUA_COUNT_STATUSES = `
statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
`;

function fixedScript({ authorization }) {
  return [
    '-- generated by bench/hotpath.mjs',
    'wrk.method = "GET"',
    authorization ? `wrk.headers["Authorization"] = ${luaString(authorization)}` : '',
    LUA_DONE,
    LUA_COUNT_STATUSES,
  ].join('\n');
}

/** Wrong application passwords for `login`, each from another random 10.a.b.c (c in 1..250). */
function floodScript(login) {
  return `-- generated by bench/hotpath.mjs: wrong-password flood from many forwarded addresses
local login = ${luaString(login)}
local alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
local b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local seed = ${randomInt(1, 2 ** 31 - 1)}

local function base64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local c1, c2 = math.floor(n / 262144) % 64, math.floor(n / 4096) % 64
    local c3, c4 = math.floor(n / 64) % 64, n % 64
    out[#out + 1] = b64:sub(c1 + 1, c1 + 1) .. b64:sub(c2 + 1, c2 + 1) ..
      (b and b64:sub(c3 + 1, c3 + 1) or "=") .. (c and b64:sub(c4 + 1, c4 + 1) or "=")
  end
  return table.concat(out)
end

function init(args)
  math.randomseed(seed + (thread_id or 0) * 7919)
end

function request()
  local pw = {}
  for i = 1, 24 do
    local k = math.random(1, #alphabet)
    pw[i] = alphabet:sub(k, k)
  end
  local address = string.format("10.%d.%d.%d",
    math.random(0, 255), math.random(0, 255), math.random(1, 250))
  return wrk.format("GET", nil, {
    ["Authorization"] = "Basic " .. base64(login .. ":" .. table.concat(pw)),
    ["X-Forwarded-For"] = address,
  })
end
${LUA_DONE}
${LUA_COUNT_STATUSES}`;
}

/** Runs wrk to completion and returns its figures (ms, req/s). */
function runWrk({ url, threads, connections, duration, script }) {
  const args = [
    '-t',
    String(threads),
    '-c',
    String(connections),
    '-d',
    `${duration}s`,
    '--timeout',
    '10s',
    '--latency',
    '-s',
    script,
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    liveWrk.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    const killer = setTimeout(() => child.kill('SIGKILL'), (duration + 30) * 1000);
    child.once('error', (error) => {
      clearTimeout(killer);
      liveWrk.delete(child);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      liveWrk.delete(child);
      const line = /^BENCH_RESULT (.+)$/m.exec(stdout)?.[1];
      if (code !== 0 || !line) {
        reject(
          new Error(
            `wrk ${args.join(' ')} ended with ${signal ?? `code ${code}`}` +
              ` and no result:\n${(stdout + stderr).trim().slice(-1500)}`,
          ),
        );
        return;
      }
      const r = JSON.parse(line);
      const seconds = r.duration_us / 1e6;
      resolve({
        command: `wrk -t${threads} -c${connections} -d${duration}s --latency`,
        requests: r.requests,
        seconds,
        reqPerSec: r.requests / seconds,
        p50: r.latency_us.p50 / 1000,
        p90: r.latency_us.p90 / 1000,
        p99: r.latency_us.p99 / 1000,
        max: r.latency_us.max / 1000,
        non2xx3xx: r.errors.status,
        socketErrors: r.errors.connect + r.errors.read + r.errors.write + r.errors.timeout,
        errors: r.errors,
        statuses: r.statuses,
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Resource accounting (Linux /proc; undefined elsewhere)

const TICKS = 100; // USER_HZ

function procCpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return {
    own: (Number(fields[11]) + Number(fields[12])) / TICKS,
    children: (Number(fields[13]) + Number(fields[14])) / TICKS,
  };
}

/** CPU seconds of every process named postgres (the database server under test, if any). */
function postgresCpuSeconds() {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / TICKS;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Machine-wide busy time plus everything this run accounts for. */
function cpuSnapshot(pids) {
  try {
    const line = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const [user, nice, system, , , irq, softirq, steal = 0] = line;
    const usage = process.cpuUsage();
    return {
      at: process.hrtime.bigint(),
      busy: (user + nice + system + irq + softirq) / TICKS,
      steal: steal / TICKS,
      servers: Object.fromEntries(pids.map((pid) => [pid, procCpuSeconds(pid).own])),
      harness: (usage.user + usage.system) / 1e6,
      // wrk runs as a child of this process: its time lands here once it has been reaped.
      reaped: procCpuSeconds(process.pid).children,
      postgres: postgresCpuSeconds(),
    };
  } catch {
    return undefined;
  }
}

/**
 * Average cores between two snapshots: the process under test, wrk, postgres (part of the
 * system under test for a PostgreSQL target, otherwise counted as "other"), the rest.
 */
function cpuBetween(a, b, pid, withPostgres) {
  if (!a || !b) return undefined;
  const seconds = Number(b.at - a.at) / 1e9;
  const cores = (x) => Math.max(0, x) / seconds;
  const servers = Object.keys(b.servers).reduce(
    (sum, p) => sum + (b.servers[p] - (a.servers[p] ?? 0)),
    0,
  );
  const server = b.servers[pid] - a.servers[pid];
  const harness = b.harness - a.harness;
  const wrk = b.reaped - a.reaped;
  const postgres = withPostgres ? b.postgres - a.postgres : 0;
  return {
    server: cores(server),
    wrk: cores(wrk),
    postgres: cores(postgres),
    other: cores(b.busy - a.busy - servers - harness - wrk - postgres),
    steal: cores(b.steal - a.steal),
  };
}

function rssKiB(pid, field = 'VmRSS') {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  } catch {
    return NaN;
  }
}

/** Samples a process's resident memory every 100 ms until stopped; resolves to the max in KiB. */
function sampleRss(pid) {
  let max = rssKiB(pid);
  const timer = setInterval(() => {
    const now = rssKiB(pid);
    if (now > max || !Number.isFinite(max)) max = now;
  }, 100);
  return () => {
    clearInterval(timer);
    const now = rssKiB(pid);
    return Math.max(max, Number.isFinite(now) ? now : -Infinity);
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring one target once

/** Measures `fn` (which runs the load) with CPU and RSS accounting of process `pid`. */
async function accounted(pid, allPids, withPostgres, fn) {
  const stopRss = sampleRss(pid);
  const before = cpuSnapshot(allPids);
  let result;
  try {
    result = await fn();
  } finally {
    result ??= {};
    result.rssMaxKiB = stopRss();
  }
  result.cpu = cpuBetween(before, cpuSnapshot(allPids), pid, withPostgres);
  return result;
}

/** Answers of one wrk run whose status is not in `expect`. */
function unexpectedOf(run, expect) {
  const counted = Object.values(run.statuses).reduce((a, b) => a + b, 0);
  const ok = expect.reduce((n, code) => n + (run.statuses[code] ?? 0), 0);
  // Responses wrk read but the hook did not see cannot happen; anything else is unexpected.
  return counted - ok + Math.max(0, run.requests - counted);
}

function startSignIns(ctx, perSecond) {
  const stats = { started: 0, ok: 0, statuses: {}, errors: 0, times: [] };
  const inflight = new Set();
  const period = 1000 / perSecond;
  const t0 = performance.now();
  let stopped = false;
  let timer;
  const fire = () => {
    stats.started++;
    const n = ++ctx.signInCount;
    const begin = performance.now();
    const p = postSignIn(ctx, signInAddress(n))
      .then(
        (status) => {
          stats.times.push(performance.now() - begin);
          stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
          if (status === 302) stats.ok++;
        },
        () => stats.errors++,
      )
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };
  // A fixed schedule (t0 + k × period), not setInterval's drifting one: if the timer runs late
  // the due sign-ins are sent at once, so the offered rate stays `perSecond`.
  const tick = () => {
    if (stopped) return;
    const elapsed = performance.now() - t0;
    const due = Math.floor(elapsed / period) + 1;
    while (stats.started < due) fire();
    timer = setTimeout(tick, period - (elapsed % period));
  };
  tick();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    const seconds = (performance.now() - t0) / 1000;
    await Promise.allSettled([...inflight]);
    const sorted = stats.times.sort((a, b) => a - b);
    return {
      ...stats,
      seconds,
      rate: stats.ok / seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
    };
  };
}

async function measure(name, ctx, bare, options, allPids, duration = options.duration) {
  const full = { threads: options.threads, connections: options.connections, duration };
  const half = { threads: options.halfThreads, connections: options.halfConnections, duration };
  const url = `${(ctx ?? bare).origin}${ROUTE}`;
  const pid = (ctx?.proc ?? bare).pid;
  const scripts = ctx?.scripts ?? bare.scripts;
  const plain = async (script, shape, expect) => {
    const run = await runWrk({ url, script, ...shape });
    return { ...run, unexpected: unexpectedOf(run, expect) };
  };
  return accounted(pid, allPids, ctx?.store === 'postgres', async () => {
    switch (name) {
      case 'bare':
        return plain(scripts.bare, full, [200]);
      case 'valid-ap':
        return plain(scripts.one, full, [200]);
      case 'valid-ap-1000':
        return plain(scripts.thousand, full, [200]);
      case 'anonymous':
        return plain(scripts.anonymous, full, [401]);
      case 'flood-baseline':
        return plain(scripts.one, half, [200]);
      case 'flood': {
        // The flood starts first and ends last, so the good load is flooded all the time.
        const flood = runWrk({ url, script: scripts.flood, ...half, duration: duration + 1 });
        flood.catch(() => {});
        await sleep(500);
        const good = await plain(scripts.one, half, [200]);
        const attack = await flood;
        return {
          ...good,
          unexpected: good.unexpected + unexpectedOf(attack, [401, 429]),
          socketErrors: good.socketErrors + attack.socketErrors,
          attack,
          command: `${good.command} (good) + ${attack.command} (flood, 0.5 s head start)`,
        };
      }
      case 'during-sign-ins': {
        const stop = startSignIns(ctx, SIGN_INS_PER_SECOND);
        let run;
        try {
          await sleep(500);
          run = await plain(scripts.one, full, [200]);
        } finally {
          run ??= {};
          run.signIns = await stop();
        }
        const s = run.signIns;
        return {
          ...run,
          unexpected: run.unexpected + (s.started - s.ok),
          command: `${run.command} + ${SIGN_INS_PER_SECOND} sign-ins/s from the harness`,
        };
      }
      default:
        throw new Error(`unknown target ${name}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Median (the mean of the middle two for an even count); NaN when empty. */
function median(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const fmt = (n, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const ms = (n) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : 'n/a');
const ratio = (n) => (Number.isFinite(n) ? `${n.toFixed(n < 0.1 ? 3 : 2)}×` : 'n/a');
const mb = (kib) => (Number.isFinite(kib) ? (kib * 1024) / 1e6 : NaN);
const STORE_NAMES = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

/** Per-round ratio a/b (same round), then the median. */
function roundRatio(a, b, pick = (s) => s.reqPerSec) {
  if (!a || !b) return NaN;
  return median(a.map((s, i) => (b[i] ? pick(s) / pick(b[i]) : NaN)));
}

/** "met"/"missed" and by how much, for a figure against `limit` (`atLeast` or at most). */
function verdict(figure, limit, atLeast) {
  if (!Number.isFinite(figure)) return 'not measured';
  const rel = figure / limit;
  if (atLeast) {
    return rel >= 1
      ? `met (${fmt((rel - 1) * 100)} % above)`
      : `**missed**: ${fmt((1 - rel) * 100)} % short (needs ${fmt(1 / rel, 2)}× the figure)`;
  }
  return rel <= 1
    ? `met (${fmt((1 - rel) * 100)} % headroom)`
    : `**missed**: ${fmt((rel - 1) * 100)} % over (${fmt(rel, 2)}× the limit)`;
}

// ---------------------------------------------------------------------------------------------
// The report

function storeTable(storeCtx, bareSamples, options) {
  const header = [
    'Target',
    'Load',
    'Req/s (median)',
    'p50 ms',
    'p99 ms',
    '× bare',
    'Req/s by round',
    'Unexpected / socket errors',
    'Max RSS MB',
  ];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`,
  ];
  const bare = bareSamples;
  const loads = {
    full: `-t${options.threads} -c${options.connections}`,
    half: `-t${options.halfThreads} -c${options.halfConnections}`,
  };
  const load = {
    bare: loads.full,
    'valid-ap': loads.full,
    'valid-ap-1000': loads.full,
    anonymous: loads.full,
    'flood-baseline': loads.half,
    flood: `${loads.half} good + ${loads.half} flood`,
    'during-sign-ins': `${loads.full} + ${SIGN_INS_PER_SECOND} sign-ins/s`,
  };
  for (const name of options.targets) {
    const runs = name === 'bare' ? bare : storeCtx.samples[name];
    if (!runs) continue;
    lines.push(
      `| ${[
        `\`${name}\``,
        load[name],
        fmt(median(runs.map((s) => s.reqPerSec))),
        ms(median(runs.map((s) => s.p50))),
        ms(median(runs.map((s) => s.p99))),
        ratio(roundRatio(runs, bare)),
        runs.map((s) => fmt(s.reqPerSec)).join(' · '),
        `${fmt(runs.reduce((n, s) => n + s.unexpected, 0))} / ${fmt(runs.reduce((n, s) => n + s.socketErrors, 0))}`,
        fmt(Math.max(...runs.map((s) => mb(s.rssMaxKiB)))),
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

function storeNotes(storeCtx, bare, options) {
  const out = [];
  const s = storeCtx.samples;
  out.push(
    `- Bodies: Latchkey's users/me reply ${fmt(storeCtx.bodyBytes)} bytes, the bare control's ` +
      `${fmt(bare.bodyBytes)} bytes. Preflight: ${storeCtx.checks.join('; ')}.`,
  );
  if (s.flood) {
    const attack = s.flood.map((r) => r.attack);
    const statuses = {};
    for (const a of attack) {
      for (const [code, n] of Object.entries(a.statuses))
        statuses[code] = (statuses[code] ?? 0) + n;
    }
    out.push(
      `- \`flood\`: the flood itself ran at ${fmt(median(attack.map((a) => a.reqPerSec)))} req/s ` +
        `(median; p99 ${ms(median(attack.map((a) => a.p99)))} ms); statuses over all rounds ` +
        `${Object.entries(statuses)
          .map(([code, n]) => `${code}×${fmt(n)}`)
          .join(', ')}. Good traffic: ${fmt(median(s.flood.map((r) => r.reqPerSec)))} req/s vs ` +
        `${fmt(median((s['flood-baseline'] ?? []).map((r) => r.reqPerSec)))} req/s without the flood.`,
    );
  }
  if (s['during-sign-ins']) {
    const si = s['during-sign-ins'].map((r) => r.signIns);
    const started = si.reduce((n, x) => n + x.started, 0);
    const ok = si.reduce((n, x) => n + x.ok, 0);
    const statuses = {};
    for (const x of si) {
      for (const [code, n] of Object.entries(x.statuses))
        statuses[code] = (statuses[code] ?? 0) + n;
    }
    const errors = si.reduce((n, x) => n + x.errors, 0);
    out.push(
      `- \`during-sign-ins\`: sign-ins achieved ${si.map((x) => `${fmt(x.rate, 1)}/s`).join(' · ')} ` +
        `(target ${SIGN_INS_PER_SECOND}/s); ${fmt(ok)} of ${fmt(started)} answered 302` +
        `${ok < started ? ` (statuses ${JSON.stringify(statuses)}, ${errors} failed)` : ''}; ` +
        `sign-in latency p50 ${ms(median(si.map((x) => x.p50)))} ms, p99 ${ms(median(si.map((x) => x.p99)))} ms. ` +
        `API p99 ${ms(median(s['during-sign-ins'].map((r) => r.p99)))} ms vs idle (\`valid-ap\`) ` +
        `${ms(median((s['valid-ap'] ?? []).map((r) => r.p99)))} ms.`,
    );
  }
  const statusParts = [];
  for (const name of options.targets) {
    const runs = name === 'bare' ? bare.samples : s[name];
    if (!runs) continue;
    const total = {};
    for (const r of runs) {
      for (const [code, n] of Object.entries(r.statuses)) total[code] = (total[code] ?? 0) + n;
    }
    const codes = Object.entries(total).map(([code, n]) => `${code}×${fmt(n)}`);
    const errors = runs.reduce(
      (e, r) => Object.fromEntries(Object.entries(r.errors).map(([k, v]) => [k, (e[k] ?? 0) + v])),
      {},
    );
    const socket = Object.entries(errors).filter(([k, v]) => k !== 'status' && v > 0);
    statusParts.push(
      `\`${name}\`${name === 'flood' ? ' (good half)' : ''} ${codes.join(', ') || 'none'}` +
        (socket.length
          ? ` (socket errors: ${socket.map(([k, v]) => `${k} ${v}`).join(', ')})`
          : ''),
    );
  }
  out.push(`- Statuses over all rounds (wrk \`response\` hook): ${statusParts.join('; ')}.`);
  const cpuParts = [];
  for (const name of options.targets) {
    const runs = name === 'bare' ? bare.samples : s[name];
    if (!runs || !runs[0]?.cpu) continue;
    const m = (f) => fmt(median(runs.map((r) => r.cpu[f])), 2);
    cpuParts.push(
      `\`${name}\` ${name === 'bare' ? 'bare server' : 'server'} ${m('server')}, wrk ${m('wrk')}` +
        (storeCtx.store === 'postgres' && name !== 'bare' ? `, postgres ${m('postgres')}` : '') +
        `, other ${fmt(Math.max(...runs.map((r) => r.cpu.other)), 2)} (max)`,
    );
  }
  if (cpuParts.length) out.push(`- CPU in cores (median of rounds): ${cpuParts.join('; ')}.`);
  out.push(
    `- Server RSS: max sampled during load ${fmt(
      Math.max(
        ...Object.values(s)
          .flat()
          .map((r) => mb(r.rssMaxKiB)),
      ),
    )} MB; ` + `peak since start (VmHWM) ${fmt(mb(storeCtx.hwmKiB))} MB.`,
  );
  return out.join('\n');
}

function targetsTable(ctxs, bare, options) {
  const rows = [];
  const row = (what, store, figure, shown, target, limit, atLeast) =>
    rows.push([what, store, shown(figure), target, verdict(figure, limit, atLeast)]);
  const med = (runs, f) => (runs ? median(runs.map(f)) : NaN);
  for (const ctx of ctxs) {
    const s = ctx.samples;
    const name = STORE_NAMES[ctx.store];
    row(
      'valid-AP users/me req/s ÷ bare',
      name,
      roundRatio(s['valid-ap'], bare.samples),
      ratio,
      '≥ 0.5×',
      0.5,
      true,
    );
    row(
      `valid-AP p99${options.connections === 32 ? '' : ` (measured at ${options.connections} connections; the target is at 32)`}`,
      name,
      med(s['valid-ap'], (r) => r.p99),
      (v) => `${ms(v)} ms`,
      '≤ 10 ms at 32 connections',
      10,
      false,
    );
    row(
      'anonymous req/s ÷ bare',
      name,
      roundRatio(s.anonymous, bare.samples),
      ratio,
      '≥ 0.7×',
      0.7,
      true,
    );
    row(
      '1 vs 1,000 passwords: valid-ap req/s ÷ valid-ap-1000 req/s',
      name,
      roundRatio(s['valid-ap'], s['valid-ap-1000']),
      (v) => fmt(v, 2),
      '≤ 1.1',
      1.1,
      false,
    );
    row(
      'good req/s during the flood ÷ clean (`flood` ÷ `flood-baseline`)',
      name,
      roundRatio(s.flood, s['flood-baseline']),
      (v) => (Number.isFinite(v) ? `${fmt(v * 100)} %` : 'n/a'),
      '≥ 50 %',
      0.5,
      true,
    );
    row(
      `API p99 during ${SIGN_INS_PER_SECOND} sign-ins/s ÷ idle p99 (\`during-sign-ins\` ÷ \`valid-ap\`)`,
      name,
      roundRatio(s['during-sign-ins'], s['valid-ap'], (r) => r.p99),
      ratio,
      '≤ 2×',
      2,
      false,
    );
    const rss = Math.max(
      ...Object.values(s)
        .flat()
        .map((r) => mb(r.rssMaxKiB)),
    );
    row(
      'server RSS under load (max sampled)',
      name,
      rss,
      (v) => `${fmt(v)} MB`,
      '≤ 200 MB',
      200,
      false,
    );
  }
  const sqlite = ctxs.find((c) => c.store === 'sqlite');
  const postgres = ctxs.find((c) => c.store === 'postgres');
  if (sqlite && postgres) {
    row(
      'PostgreSQL valid-ap req/s ÷ SQLite valid-ap req/s (warm)',
      'both',
      roundRatio(postgres.samples['valid-ap'], sqlite.samples['valid-ap']),
      ratio,
      '≥ 0.8×',
      0.8,
      true,
    );
  }
  rows.push([
    '0 store statements / 0 writes on the request path for a warm credential',
    '—',
    '—',
    '0',
    'counted by a test in packages/server, not here',
  ]);
  const header = ['Target (issue 12)', 'Store', 'Figure', 'Target', 'Result'];
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Run conditions for the report

const exec = (cmd, args) => {
  try {
    return execFileSync(cmd, args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch {
    return undefined;
  }
};

function machineInfo() {
  const lscpu = exec('lscpu', []) ?? '';
  const field = (name) => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(lscpu)?.[1]?.trim();
  const memKiB = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSafe('/proc/meminfo'))?.[1]);
  const osName = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSafe('/etc/os-release'))?.[1];
  const cpu = field('Model name') ?? os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const hypervisor = field('Hypervisor vendor');
  return (
    `${field('CPU\\(s\\)') ?? os.cpus().length} × ${cpu}` +
    `${field('CPU family') ? ` (family ${field('CPU family')}, model ${field('Model')})` : ''}` +
    `${hypervisor ? `, ${hypervisor} guest` : ''}, ` +
    `${Number.isFinite(memKiB) ? `${fmt(memKiB / 1024 / 1024, 1)} GiB RAM` : 'RAM n/a'}, ` +
    `${osName ?? os.type()}, Linux ${os.release()}`
  );
}

function readFileSafe(p) {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

function newestMtime(dir, skip = /(^|\/)(node_modules|dist)(\/|$)/) {
  let newest = { at: 0, file: undefined };
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (skip.test(path.relative(dir, p))) continue;
      if (entry.isDirectory()) walk(p);
      else {
        const at = statSync(p).mtimeMs;
        if (at > newest.at) newest = { at, file: p };
      }
    }
  };
  walk(dir);
  return newest;
}

function sourceInfo() {
  const commit = exec('git', ['rev-parse', '--short', 'HEAD']) ?? 'unknown';
  const dirty = (exec('git', ['status', '--porcelain', '--', 'packages/server']) ?? '')
    .split('\n')
    .filter(Boolean);
  const built = statSync(SERVER_MAIN).mtimeMs;
  const src = newestMtime(path.join(SERVER_DIR, 'src'));
  return {
    commit,
    dirty: dirty.length,
    line:
      `commit \`${commit}\`, \`packages/server\` ${dirty.length ? `**dirty** (${dirty.length} changed path${dirty.length > 1 ? 's' : ''})` : 'clean'}; ` +
      `\`dist\` built ${new Date(built).toISOString()}` +
      (src.at > built
        ? ` — **older than the source** (\`${path.relative(ROOT, src.file)}\` changed ${new Date(src.at).toISOString()})`
        : ', newer than every source file'),
  };
}

/** Cores used by everything on the machine over `seconds` of doing nothing ourselves. */
async function idleMachineCores(seconds) {
  const a = cpuSnapshot([]);
  await sleep(seconds * 1000);
  const b = cpuSnapshot([]);
  if (!a || !b) return NaN;
  return (b.busy - a.busy) / (Number(b.at - a.at) / 1e9);
}

async function writeResults(section) {
  const text = await readFile(RESULTS, 'utf8');
  const at = text.search(/^## /m);
  const next =
    at < 0
      ? `${text.trimEnd()}\n\n${section}\n`
      : `${text.slice(0, at)}${section}\n\n${text.slice(at)}`;
  await writeFile(RESULTS, next);
}

// ---------------------------------------------------------------------------------------------

async function setupStore(store, options, tmp, deadline) {
  const ctx = { store, samples: {}, signInCount: 0 };
  ctx.dataDir = path.join(tmp, store);
  await mkdir(ctx.dataDir, { recursive: true });
  const env = childEnv({ LATCHKEY_ADMIN_PASSWORD: `bench-${randomBytes(12).toString('hex')}` });
  if (store === 'postgres') {
    const db = await createBenchDatabase(options.databaseUrl);
    ctx.database = db.name;
    ctx.databaseUrl = db.url;
    env.DATABASE_URL = db.url;
    log(`postgres: created database ${db.name} on ${redactUrl(options.databaseUrl)}`);
  }
  const started = Date.now();
  ctx.proc = await startProcess(
    `latchkey (${store})`,
    (port) => [
      SERVER_MAIN,
      'serve',
      '--env',
      'local',
      '--host',
      HOST,
      '--port',
      String(port),
      '--data-dir',
      ctx.dataDir,
      '--log-level',
      process.env.HOTPATH_SERVER_LOG_LEVEL || 'warn',
      '--trust-proxy',
      TRUST_PROXY,
    ],
    env,
    Math.min(deadline, Date.now() + 60_000),
  );
  ctx.origin = ctx.proc.origin;
  const health = JSON.parse(ctx.proc.health);
  if (health.store !== store) {
    throw new Error(`latchkey (${store}) reports store ${health.store}: ${ctx.proc.health}`);
  }
  log(`${store}: server up on ${ctx.origin} in ${Date.now() - started} ms (${ctx.proc.health})`);
  ctx.fixtures = await createFixtures(ctx, options.targets);
  ctx.checks = await preflightStore(ctx, options.targets);
  log(`${store}: preflight ok: ${ctx.checks.join('; ')}`);

  const lua = path.join(tmp, 'lua');
  const script = async (name, text) => {
    const file = path.join(lua, `${store}-${name}.lua`);
    await writeFile(file, text);
    return file;
  };
  ctx.scripts = {
    one: await script('valid-ap', fixedScript({ authorization: ctx.fixtures.one.authorization })),
    anonymous: await script('anonymous', fixedScript({})),
  };
  if (ctx.fixtures.thousand) {
    ctx.scripts.thousand = await script(
      'valid-ap-1000',
      fixedScript({ authorization: ctx.fixtures.thousand.authorization }),
    );
  }
  if (ctx.fixtures.flood) ctx.scripts.flood = await script('flood', floodScript(LOGINS.flood));
  return ctx;
}

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`hotpath: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const wrkCheck = spawnSync(WRK, ['-v'], { encoding: 'utf8' });
  if (wrkCheck.error) {
    console.error(
      `hotpath: wrk is needed and was not found on PATH (${wrkCheck.error.code}). ` +
        'Install it: apt-get install wrk (Debian/Ubuntu), brew install wrk (macOS).',
    );
    return 1;
  }
  const wrkVersion = (wrkCheck.stdout + wrkCheck.stderr)
    .split('\n')[0]
    .replace(/\s*Copyright.*$/, '');
  if (!existsSync(SERVER_MAIN)) {
    console.error(
      `hotpath: ${path.relative(process.cwd(), SERVER_MAIN) || SERVER_MAIN} is missing. ` +
        'Build the server first: npm run build -w @latchkey/server',
    );
    return 1;
  }
  if (options.storeNote) log(options.storeNote);
  if (options.added.length)
    log(`--only: also running ${options.added.join(', ')} (compared against)`);

  const storeTargets = options.targets.filter((n) => !TARGETS[n].global);
  const perRound = 1 + options.stores.length * storeTargets.length;
  const budgetMs =
    60_000 +
    options.stores.length * 120_000 +
    (1 + options.stores.length * 3) * (options.warmup * 1000 + 15_000) +
    options.rounds * perRound * (options.duration * 1000 + 20_000);
  const deadline = Date.now() + budgetMs;
  const watchdog = setTimeout(() => {
    log(`overall time limit of ${Math.round(budgetMs / 1000)} s exceeded; stopping`);
    void cleanup().finally(() => process.exit(1));
  }, budgetMs);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      log(`${signal}: stopping the servers and removing the temporary data`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'latchkey-hotpath-'));
    onCleanup(`removing ${tmp}`, () => rm(tmp, { recursive: true, force: true }));
    await mkdir(path.join(tmp, 'lua'));

    const bare = await startProcess(
      'bare node:http',
      (port) => [BARE_MAIN, '--port', String(port), '--host', HOST],
      childEnv({}),
      Math.min(deadline, Date.now() + 30_000),
    );
    const bareCheck = await get(`${bare.origin}${ROUTE}`);
    expectStatus('bare', bareCheck, 200);
    bare.bodyBytes = Buffer.byteLength(bareCheck.body);
    bare.scripts = { bare: path.join(tmp, 'lua', 'bare.lua') };
    await writeFile(bare.scripts.bare, fixedScript({}));
    bare.samples = [];
    log(`bare control up on ${bare.origin}`);

    const ctxs = [];
    if (storeTargets.length > 0) {
      for (const store of options.stores)
        ctxs.push(await setupStore(store, options, tmp, deadline));
    }
    const allPids = [bare.pid, ...ctxs.map((c) => c.proc.pid)];

    const idle = await idleMachineCores(1);
    log(`machine before the run: ${fmt(idle, 2)} cores busy`);
    const date = exec('date', ['-u']) ?? new Date().toUTCString();

    const order = [
      ...(options.targets.includes('bare') ? [{ name: 'bare' }] : []),
      ...ctxs.flatMap((ctx) => storeTargets.map((name) => ({ name, ctx }))),
    ];
    const label = ({ name, ctx }) => (ctx ? `${ctx.store} ${name}` : name);
    const check = () => {
      for (const p of [bare, ...ctxs.map((c) => c.proc)]) {
        if (p.exited) throw new Error(`${p.label} exited: ${JSON.stringify(p.exited)}`);
      }
      if (Date.now() > deadline) throw new Error('out of time');
    };

    if (options.warmup > 0) {
      const plain = order.filter(({ name }) => !['flood', 'during-sign-ins'].includes(name));
      log(`warm-up: ${plain.map(label).join(', ')}, ${options.warmup} s each (not recorded)`);
      for (const item of plain) {
        check();
        await measure(item.name, item.ctx, bare, options, allPids, options.warmup);
      }
    }

    for (let round = 1; round <= options.rounds; round++) {
      for (const item of order) {
        check();
        await sleep(250);
        const sample = await measure(item.name, item.ctx, bare, options, allPids);
        const into = item.ctx ? (item.ctx.samples[item.name] ??= []) : bare.samples;
        into.push(sample);
        log(
          `round ${round}/${options.rounds} ${label(item)}: ${fmt(sample.reqPerSec)} req/s, ` +
            `p50 ${ms(sample.p50)} ms, p99 ${ms(sample.p99)} ms, RSS ${fmt(mb(sample.rssMaxKiB))} MB` +
            (sample.unexpected || sample.socketErrors
              ? `, ${sample.unexpected} unexpected, ${sample.socketErrors} socket errors`
              : '') +
            (sample.signIns ? `, sign-ins ${fmt(sample.signIns.rate, 1)}/s` : '') +
            (sample.attack ? `, flood ${fmt(sample.attack.reqPerSec)} req/s` : ''),
        );
      }
    }
    check();
    for (const ctx of ctxs) ctx.hwmKiB = rssKiB(ctx.proc.pid, 'VmHWM');

    // ---- report
    const source = sourceInfo();
    const command =
      `\`${`node bench/hotpath.mjs ${process.argv.slice(2).join(' ')}`.trim()}\`` +
      (process.env.npm_lifecycle_event === 'bench:hotpath' ? ' (via `npm run bench:hotpath`)' : '');
    const shape = `wrk -t${options.threads} -c${options.connections} -d${options.duration}s --latency, ${options.rounds} interleaved round${options.rounds > 1 ? 's' : ''}`;
    const parts = [];
    parts.push(
      `- **Date:** ${date}\n` +
        `- **Machine:** ${machineInfo()}\n` +
        `- **Software:** Node ${process.version}, ${wrkVersion}` +
        (ctxs.some((c) => c.store === 'postgres')
          ? `, ${await withPg(
              options.databaseUrl,
              async (c) => (await c.query('SHOW server_version')).rows[0].server_version,
            ).then(
              (v) => `PostgreSQL ${v}`,
              () => 'PostgreSQL (version n/a)',
            )}`
          : '') +
        `\n- **Source:** ${source.line}\n` +
        `- **Command:** ${command} — ${shape}; per target the median of the rounds; ` +
        `"× bare" is the median of each round's ratio to that round's \`bare\`\n` +
        `- **Conditions:** ${fmt(idle, 2)} cores busy on the machine just before the run; ` +
        `server \`--env local --log-level warn --trust-proxy ${TRUST_PROXY}\`, in-memory rate limits` +
        (ctxs.some((c) => c.store === 'postgres')
          ? `; PostgreSQL at ${redactUrl(options.databaseUrl).replace(/\/[^/]*$/, '')} (fresh database per run)`
          : ''),
    );
    for (const ctx of ctxs) {
      parts.push(
        `### ${STORE_NAMES[ctx.store]}\n\n${storeTable(ctx, bare.samples, options)}\n\n${storeNotes(ctx, bare, options)}`,
      );
      const serverLog = ctx.proc.output.slice(ctx.proc.bannerLines);
      if (serverLog.length) {
        parts.push(
          `The ${ctx.store} server logged ${serverLog.length} line(s) at warn or above; the first:\n\n` +
            serverLog
              .slice(0, 5)
              .map((l) => `    ${l.slice(0, 300)}`)
              .join('\n'),
        );
      }
    }
    if (ctxs.length === 0) {
      parts.push(`### Bare control only\n\n${storeTable({ samples: {} }, bare.samples, options)}`);
    }
    parts.push(`### Targets\n\n${targetsTable(ctxs, bare, options)}`);
    const everything = [...bare.samples, ...ctxs.flatMap((c) => Object.values(c.samples).flat())];
    const disturbed = Math.max(...everything.map((s) => s.cpu?.other ?? 0));
    const warnings = [];
    if (disturbed >= 0.25 || idle >= 0.25) {
      warnings.push(
        `Other processes used up to ${fmt(Math.max(disturbed, idle), 2)} cores just before or ` +
          'during the measurements: ' +
          'those figures are disturbed; rerun on a quiet machine.',
      );
    }
    if (source.dirty) warnings.push('`packages/server` had uncommitted changes.');
    const badRate = ctxs.flatMap((c) =>
      (c.samples['during-sign-ins'] ?? []).filter(
        (r) => r.signIns.rate < SIGN_INS_PER_SECOND * 0.9,
      ),
    );
    if (badRate.length) {
      warnings.push(
        `In ${badRate.length} round(s) the sign-ins fell below 90 % of ${SIGN_INS_PER_SECOND}/s.`,
      );
    }
    const bad = everything.filter((s) => s.unexpected > 0 || s.socketErrors > 0);
    if (bad.length) {
      warnings.push(
        `${bad.length} measurement(s) had unexpected statuses or socket errors (see the table).`,
      );
    }
    if (warnings.length) parts.push(warnings.map((w) => `**Warning:** ${w}`).join('\n\n'));
    const report = parts.join('\n\n');
    console.log(`## Hot path (bench/hotpath.mjs)\n\n${report}`);
    if (options.write) {
      const day = new Date().toISOString().slice(0, 10);
      await writeResults(
        `## ${day} — hot path: Latchkey vs bare node:http (\`bench/hotpath.mjs\`)\n\n${report}`,
      );
      log(`added the report to ${path.relative(process.cwd(), RESULTS)}`);
    }
    return bad.length ? 3 : 0;
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (error) => {
    console.error(`hotpath: ${error.message}`);
    for (const proc of allProcs) {
      if (proc.exited && !proc.stopping) {
        console.error(
          `hotpath: ${proc.label} had exited (${JSON.stringify(proc.exited)}` +
            (proc.exited.code === 0 && !proc.exited.signal
              ? ': code 0 is its orderly stop, after a SIGTERM or SIGINT from outside this harness or an emptied event loop'
              : '') +
            `); its last output (HOTPATH_SERVER_LOG_LEVEL=info shows more):\n` +
            proc.output.slice(-30).join('\n'),
        );
      }
    }
    await cleanup();
    process.exitCode = 1;
  },
);
