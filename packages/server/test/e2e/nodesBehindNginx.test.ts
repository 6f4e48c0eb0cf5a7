/**
 * Several nodes for real (issue 16, docs/deploy.md): three `latchkey serve` processes on one
 * PostgreSQL database and one Redis, behind Debian's nginx started by the test with the load
 * balancer configuration of docs/deploy.md (read from it, TLS included). What one node does, the others know at once; and
 * a rolling restart (SIGTERM, start again, one node after the other) under a load of API reads
 * and writes fails no request through nginx and loses no acknowledged write.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { httpsCall, selfSignedCertificate } from '../helpers/deployDoc.js';
import { runCli, startCliServer } from '../helpers/cli.js';
import { proxyMissing, startLoadBalancer } from '../helpers/proxies.js';
import { ADMIN_PASSWORD, freePort } from '../helpers/server.js';
import { STORES } from '../helpers/stores.js';

const postgres = STORES.find((s) => s.name === 'postgres');
const redisUrl = process.env.REDIS_URL;
const missing = [
  !postgres && 'DATABASE_URL is not set',
  !redisUrl && 'REDIS_URL is not set',
  proxyMissing('nginx') && process.env.REQUIRE_PROXIES !== '1' && 'nginx is not installed',
].filter(Boolean);
const title = `three nodes on PostgreSQL + Redis behind real nginx, issue 16${missing.length ? ` (SKIPPED: ${missing.join(', ')})` : ''}`;

type Node = ReturnType<typeof startCliServer> & { port: number; dataDir: string };

describe.skipIf(missing.length > 0)(title, () => {
  let drop: () => Promise<void>;
  let env: Record<string, string>;
  let lb: Awaited<ReturnType<typeof startLoadBalancer>>;
  let lbUrl: string;
  const nodes: Node[] = [];
  let adminAuth: string;
  let tlsDir: string;

  const startNode = async (port: number, dataDir: string): Promise<Node> => {
    const node = startCliServer([], {
      ...env,
      LATCHKEY_PORT: String(port),
      LATCHKEY_DATA_DIR: dataDir,
    });
    await node.ready;
    return Object.assign(node, { port, dataDir });
  };
  const nodeUrl = (n: Node) => `http://127.0.0.1:${n.port}`;
  const cli = (...args: string[]) => {
    const result = runCli([...args, '--json'], { ...env, LATCHKEY_DATA_DIR: nodes[0]!.dataDir });
    if (result.status !== 0) throw new Error(`${args.join(' ')}: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  const rest = async (
    base: string,
    method: string,
    route: string,
    init: { headers?: Record<string, string>; body?: string } = {},
  ) => {
    const url = `${base}/wp-json${route}`;
    // Through nginx it is HTTPS with the suite's self-signed certificate; to a node, plain HTTP.
    const { status, text } = url.startsWith('https:')
      ? await httpsCall(url, { method, ...init })
      : await fetch(url, { method, ...init }).then(async (r) => ({
          status: r.status,
          text: await r.text(),
        }));
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined; // nginx's own error pages are HTML; the status says what happened
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies; the assertions pin their shape
    return { status, text, json: json as any };
  };

  beforeAll(async () => {
    const database = await postgres!.create();
    drop = database.drop;
    const lbPort = await freePort();
    lbUrl = `https://127.0.0.1:${lbPort}`;
    tlsDir = mkdtempSync(path.join(tmpdir(), 'latchkey-lb-tls-'));
    selfSignedCertificate(tlsDir);
    // What every node shares: the installation key, the store, Redis (docs/deploy.md).
    env = {
      DATABASE_URL: database.databaseUrl!,
      REDIS_URL: redisUrl!,
      LATCHKEY_SECRET: randomBytes(32).toString('hex'),
      LATCHKEY_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LATCHKEY_ENV: 'local',
      LATCHKEY_SITE_URL: lbUrl,
      LATCHKEY_TRUST_PROXY: '127.0.0.1',
      LATCHKEY_LOG_LEVEL: 'warn',
    };
    const ports = [await freePort(), await freePort(), await freePort()];
    for (const port of ports)
      nodes.push(await startNode(port, mkdtempSync(path.join(tmpdir(), 'latchkey-node-'))));
    lb = await startLoadBalancer(lbPort, ports, tlsDir);
    adminAuth = basic('admin', cli('app-password', 'create', 'admin', '--name', 'ops').password);
  }, 120_000);

  afterAll(async () => {
    await lb?.stop();
    for (const node of nodes) {
      await node.stop();
      rmSync(node.dataDir, { recursive: true, force: true });
    }
    await drop?.();
    if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
  });

  it('every node is ready; a session made through one node works through the others', async () => {
    for (const node of nodes) {
      const ready = await fetch(`${nodeUrl(node)}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', store: 'ok', redis: 'ok' });
    }
    const first = new BrowserClient(nodeUrl(nodes[0]!));
    expect((await first.signIn('admin', ADMIN_PASSWORD)).status).toBe(302);
    for (const node of nodes.slice(1)) {
      const other = new BrowserClient(nodeUrl(node));
      for (const [name, value] of first.cookies) other.cookies.set(name, value);
      const account = await other.get('/account');
      expect(account.status).toBe(200);
      expect(account.text_).toContain('admin');
    }
    const stranger = await new BrowserClient(nodeUrl(nodes[1]!)).get('/account');
    expect(stranger.status).toBe(302);
  });

  it('an application password revoked through one node is refused by the others at once', async () => {
    const created = cli('app-password', 'create', 'admin', '--name', 'revoked-across');
    const auth = { authorization: basic('admin', created.password) };
    // Each node verifies it once, so each holds it in its credential cache.
    for (const node of nodes)
      expect((await rest(nodeUrl(node), 'GET', '/wp/v2/users/me', { headers: auth })).status).toBe(
        200,
      );
    const revoked = await rest(
      nodeUrl(nodes[0]!),
      'DELETE',
      `/wp/v2/users/1/application-passwords/${created.uuid}`,
      { headers: { authorization: adminAuth } },
    );
    expect(revoked.status).toBe(200);
    for (const node of nodes.slice(1)) {
      const after = await rest(nodeUrl(node), 'GET', '/wp/v2/users/me', { headers: auth });
      expect(after.status).toBe(401);
    }
  });

  it('the limit on wrong credentials is one count across the nodes', async () => {
    // Requests come from nginx's address; X-Forwarded-For (trusted from 127.0.0.1) names the client.
    const client = `10.${[1, 2, 3].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;
    const wrong = {
      authorization: basic('admin', 'abcd efgh ijkl mnop qrst uvwx'),
      'x-forwarded-for': client,
    };
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++)
      statuses.push(
        (await rest(nodeUrl(nodes[i % 3]!), 'GET', '/wp/v2/users/me', { headers: wrong })).status,
      );
    expect(statuses.every((s) => s === 401)).toBe(true);
    // 30 failures spread over three nodes: the 31st is refused by whichever node it reaches.
    for (const node of nodes)
      expect((await rest(nodeUrl(node), 'GET', '/wp/v2/users/me', { headers: wrong })).status).toBe(
        429,
      );
  });

  it('rolling restart under load: no request fails, no acknowledged write is lost, last-used data merged', async () => {
    const author = cli('app-password', 'create', 'admin', '--name', 'load');
    const auth = basic('admin', author.password);
    // Last used: an older use on node 1, a newer one on node 2. Node 2 is restarted (and
    // flushes) first, node 1 after it: the older use must not overwrite the newer one.
    const tracked = cli('app-password', 'create', 'admin', '--name', 'last-used');
    const use = (node: Node, ip: string) =>
      rest(nodeUrl(node), 'GET', '/wp/v2/users/me', {
        headers: { authorization: basic('admin', tracked.password), 'x-forwarded-for': ip },
      });
    expect((await use(nodes[0]!, '192.0.2.1')).status).toBe(200);
    expect((await use(nodes[1]!, '192.0.2.2')).status).toBe(200);

    const acknowledged: number[] = [];
    const failures: string[] = [];
    let requests = 0;
    let running = true;
    const worker = async (w: number) => {
      for (let i = 0; running; i++) {
        const write = await rest(lbUrl, 'POST', '/wp/v2/posts', {
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify({ title: `w${w}-${i}`, content: 'under load', status: 'publish' }),
        }).catch((error: Error) => ({ status: 0, text: error.message, json: undefined }));
        requests++;
        if (write.status !== 201) {
          failures.push(`POST ${write.status} ${write.text.slice(0, 200)}`);
          continue;
        }
        acknowledged.push(write.json.id);
        const read = await rest(lbUrl, 'GET', `/wp/v2/posts/${write.json.id}`, {
          headers: { authorization: auth },
        }).catch((error: Error) => ({ status: 0, text: error.message, json: undefined }));
        requests++;
        if (read.status !== 200) failures.push(`GET ${read.status} ${read.text.slice(0, 200)}`);
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(worker));

    const waitFor = async (what: () => boolean) => {
      while (!what()) await new Promise((r) => setTimeout(r, 50));
    };
    await waitFor(() => acknowledged.length >= 10);
    for (const index of [1, 0, 2]) {
      const node = nodes[index]!;
      const exitCode = await node.stop();
      // A graceful shutdown (in-flight finished, last-used flushed, store closed) exits 0.
      expect(exitCode, node.output().stderr).toBe(0);
      const before = acknowledged.length;
      // The other two carry the load meanwhile.
      await waitFor(() => acknowledged.length >= before + 5);
      nodes[index] = await startNode(node.port, node.dataDir);
      let ready = false;
      while (!ready) {
        ready =
          (await fetch(`${nodeUrl(nodes[index]!)}/readyz`).catch(() => undefined))?.ok ?? false;
        if (!ready) await new Promise((r) => setTimeout(r, 50));
      }
      const restartedAt = acknowledged.length;
      await waitFor(() => acknowledged.length >= restartedAt + 5);
    }
    running = false;
    await load;

    const retried = lb
      .accessLog()
      .split('\n')
      .filter((line) => line.split(' ')[2]?.includes(','));
    console.log(
      `rolling restart: ${requests} requests through nginx, ${acknowledged.length} writes acknowledged, ${retried.length} passed to another node by nginx`,
    );
    // nginx's own account of any failure (why it answered 502) goes with the assertion.
    expect(failures, lb.errorLog().slice(-3000)).toEqual([]);
    // Every acknowledged write is there, read through a node that was restarted.
    const ids = new Set<number>();
    const titles: string[] = [];
    for (let page = 1; ; page++) {
      const list = await rest(
        nodeUrl(nodes[2]!),
        'GET',
        `/wp/v2/posts?per_page=100&page=${page}&_fields=id,title`,
        { headers: { authorization: adminAuth } },
      );
      // A page past the last is WordPress's 400 (it happens when the total is a multiple of 100).
      if (page > 1 && list.status === 400 && list.json?.code === 'rest_post_invalid_page_number')
        break;
      expect(list.status).toBe(200);
      for (const post of list.json as { id: number; title: { rendered: string } }[]) {
        ids.add(post.id);
        titles.push(post.title.rendered);
      }
      if ((list.json as unknown[]).length < 100) break;
    }
    expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
    // A write nginx passed to another node (non_idempotent) was never applied twice.
    expect(titles.filter((t, i) => titles.indexOf(t) !== i)).toEqual([]);

    const record = await rest(
      nodeUrl(nodes[0]!),
      'GET',
      `/wp/v2/users/1/application-passwords/${tracked.uuid}`,
      { headers: { authorization: adminAuth } },
    );
    expect(record.status).toBe(200);
    expect(record.json.last_ip).toBe('192.0.2.2');
    expect(record.json.last_used).not.toBeNull();
  }, 300_000);
});
