import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, makeApplicationPassword } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';
import { methodCall } from '../helpers/xmlrpc.js';

/**
 * SPEC §7: a limit holds exactly under concurrent bursts, on one node or many. Every attempt is
 * reserved before it is evaluated, so 40 simultaneous wrong credentials from one address let at
 * most 30 be evaluated, and 40 simultaneous wrong passwords for one account at most 5.
 */
const redisUrl = process.env.REDIS_URL;
const SETUPS = [
  { name: 'one node, memory limits', nodes: 1, redis: false },
  ...(redisUrl
    ? [
        { name: 'one node, Redis limits', nodes: 1, redis: true },
        { name: 'two nodes sharing Redis', nodes: 2, redis: true },
      ]
    : []),
];
if (!redisUrl) console.warn('limits under concurrency: Redis setups SKIPPED, REDIS_URL is not set');

const BURST = 40;
let addressSeq = 0;
/** Each test bursts from an address of its own (the servers trust X-Forwarded-For from loopback). */
const nextAddress = () => `203.0.113.${++addressSeq}`;

const tally = (statuses: Array<number | string>) => {
  const out: Record<string, number> = {};
  for (const s of statuses) out[String(s)] = (out[String(s)] ?? 0) + 1;
  return out;
};

describe.each(SETUPS)('limits under concurrent bursts, SPEC §7 ($name)', (setup) => {
  let nodes: TestServer[] = [];
  let dataDir: string;
  beforeAll(async () => {
    // Several nodes of one site: one store (the same SQLite file), one Redis, one key prefix.
    dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-burst-'));
    const prefix = `burst-${randomBytes(4).toString('hex')}`;
    for (let i = 0; i < setup.nodes; i++) {
      nodes.push(
        await startTestServer({
          store: STORES[0]!,
          dataDir,
          config: { trustProxy: '127.0.0.1/32' },
          env: setup.redis ? { REDIS_URL: redisUrl } : {},
          rateLimitPrefix: prefix,
        }),
      );
    }
    await nodes[0]!.createUser('bursty', 'author');
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    nodes = [];
    rmSync(dataDir, { recursive: true, force: true });
  });

  const node = (i: number) => nodes[i % nodes.length]!;
  const xmlrpc = async (i: number, address: string, login: string, password: string) => {
    const response = await fetch(`${node(i).url}/xmlrpc.php`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', 'x-forwarded-for': address },
      body: methodCall('wp.getUsersBlogs', [login, password]),
    });
    const text = await response.text();
    return /<name>faultCode<\/name>\s*<value><int>(\d+)<\/int>/.exec(text)?.[1] ?? 'ok';
  };

  it('uses the limit store it should', async () => {
    for (const n of nodes) {
      const health = await (await fetch(`${n.url}/healthz`)).json();
      expect(health.rate_limits).toBe(setup.redis ? 'redis' : 'memory');
    }
  });

  it('REST: of 40 simultaneous wrong Basic credentials, exactly 30 are evaluated', async () => {
    const address = nextAddress();
    const statuses = await Promise.all(
      Array.from({ length: BURST }, async (_, i) => {
        const response = await fetch(`${node(i).url}/wp-json/wp/v2/users/me`, {
          headers: {
            authorization: basic(`nobody${i}`, randomBytes(18).toString('base64url')),
            'x-forwarded-for': address,
          },
        });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    expect(tally(statuses)).toEqual({ 401: 30, 429: 10 });
  });

  it('REST: good credentials are never counted, however many arrive at once, beside failures', async () => {
    const owner = await node(0).createUser(`goodburst${addressSeq}`, 'author');
    const { password } = await makeApplicationPassword(node(0), owner.id, 'busy client');
    const address = nextAddress();
    const call = (i: number, secret: string) =>
      fetch(`${node(i).url}/wp-json/wp/v2/users/me`, {
        headers: { authorization: basic(owner.login, secret), 'x-forwarded-for': address },
      }).then(async (r) => (await r.arrayBuffer(), r.status));
    // 29 failures: one short of the limit.
    for (let i = 0; i < 29; i++) expect(await call(i, 'wrong-password-xxxxxxxx')).toBe(401);
    const good = await Promise.all(Array.from({ length: BURST }, (_, i) => call(i, password)));
    expect(tally(good)).toEqual({ 200: BURST });
  });

  it('XML-RPC: of 40 simultaneous wrong credentials, at most 30 are evaluated', async () => {
    const address = nextAddress();
    const faults = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        xmlrpc(i, address, `nobody${i}`, randomBytes(18).toString('base64url')),
      ),
    );
    const counts = tally(faults);
    expect(Object.keys(counts).sort()).toEqual(['403', '429']);
    expect(counts['403']).toBeLessThanOrEqual(30);
  });

  it('/login: of 40 simultaneous wrong passwords for one account, exactly 5 are evaluated', async () => {
    const address = nextAddress();
    const browsers = nodes.map((n) => new BrowserClient(n.url));
    for (const b of browsers) await b.get('/login', { 'x-forwarded-for': address });
    const statuses = await Promise.all(
      Array.from({ length: BURST }, async (_, i) => {
        const response = await browsers[i % browsers.length]!.postForm(
          '/login',
          { log: 'bursty', pwd: `wrong-${i}` },
          { 'x-forwarded-for': address },
        );
        return response.status;
      }),
    );
    // 200: the form again with "incorrect" (evaluated); 429: refused before any check.
    expect(tally(statuses)).toEqual({ 200: 5, 429: 35 });
  });

  it('XML-RPC: of 40 simultaneous wrong account passwords for one account, at most 5 are evaluated', async () => {
    await node(0).createUser('burstrpc', 'author');
    const address = nextAddress();
    const faults = await Promise.all(
      Array.from({ length: BURST }, (_, i) => xmlrpc(i, address, 'burstrpc', `wrong-${i}`)),
    );
    const counts = tally(faults);
    expect(Object.keys(counts).sort()).toEqual(['403', '429']);
    expect(counts['403']).toBeLessThanOrEqual(5);
    expect(counts['403']).toBeGreaterThan(0);
  });
});
