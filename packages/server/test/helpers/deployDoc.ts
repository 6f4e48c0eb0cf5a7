/**
 * docs/deploy.md's blocks, for the suites that run them: every fenced block there follows a
 * `<!-- run: name -->` (commands and configurations a test runs) or `<!-- checked: name -->`
 * (text a test checks) marker. Tests replace the example's paths, ports and hosts with their
 * own and run the rest as written.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from './cli.js';

export const DEPLOY_DOC = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../docs/deploy.md',
);

export interface DocBlock {
  name: string;
  mark: 'run' | 'checked';
  lang: string;
  text: string;
}

export function deployBlocks(): { blocks: Map<string, DocBlock>; unmarked: string[] } {
  const doc = readFileSync(DEPLOY_DOC, 'utf8');
  const blocks = new Map<string, DocBlock>();
  const unmarked: string[] = [];
  const fence = /(?:<!-- (run|checked): ([\w-]+) -->\n)?```(\w*)\n([\s\S]*?)\n```/g;
  for (const m of doc.matchAll(fence)) {
    const [, mark, name, lang = '', text = ''] = m;
    if (!mark || !name) unmarked.push(text.split('\n')[0] ?? '');
    else blocks.set(name, { name, mark: mark as DocBlock['mark'], lang, text });
  }
  return { blocks, unmarked };
}

/** One block with the example's values replaced (each replacement must apply: the doc drifts otherwise). */
export function localized(name: string, replacements: [string, string][]): string {
  const block = deployBlocks().blocks.get(name);
  if (!block) throw new Error(`docs/deploy.md has no block ${name}`);
  let text = block.text;
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`block ${name} no longer contains ${from}`);
    text = text.split(from).join(to);
  }
  return text;
}

/** Runs a shell block with `latchkey` meaning the built CLI. */
export function runShellBlock(
  script: string,
  env: Record<string, string | undefined> = {},
): ChildProcess & { output(): { stdout: string; stderr: string }; exited: Promise<number | null> } {
  const prelude = `latchkey() { "${process.execPath}" "${CLI}" "$@"; }\n`;
  // `latchkey serve` ends its block: the shell becomes the server, so a signal reaches it
  // alone and its exit code is the block's.
  const body = script.replace(/^latchkey serve/m, `exec "${process.execPath}" "${CLI}" serve`);
  const child = spawn('bash', ['-c', prelude + body], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return Object.assign(child, { output: () => ({ stdout, stderr }), exited });
}

/** Waits until a long-running block prints that it serves (or fails with what it printed). */
export async function untilServing(child: ReturnType<typeof runShellBlock>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.output().stdout.includes('Latchkey is serving')) return;
    if (child.exitCode !== null)
      throw new Error(`exited ${child.exitCode}: ${JSON.stringify(child.output())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not serving: ${JSON.stringify(child.output())}`);
}

/** SIGTERM to the block's whole process group; resolves to the shell's exit code. */
export async function stopBlock(child: ReturnType<typeof runShellBlock>): Promise<number | null> {
  if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
  return child.exited;
}

/** A self-signed certificate for localhost in `dir` (cert.pem, key.pem). */
export function selfSignedCertificate(dir: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,DNS:auth.example.com,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
}

/** An HTTPS request to a test server with a self-signed certificate. */
export function httpsCall(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: init.method ?? 'GET',
        headers: init.headers ?? {},
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
