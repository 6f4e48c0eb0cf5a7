import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { SMTPServer, type SMTPServerEnvelope } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { createMailer, mailFromAddress, type Mailer } from './index.js';

interface Received {
  envelope: SMTPServerEnvelope;
  raw: string;
}

/** Headers (unfolded, lower-case names) and body of an RFC 5322 message. */
function parseMessage(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  expect(split, 'a blank CRLF line ends the headers').toBeGreaterThan(0);
  const headers = new Map<string, string>();
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    expect(colon, `header line ${JSON.stringify(line)}`).toBeGreaterThan(0);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(split + 4) };
}

function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger('info', destination), lines };
}

const MESSAGE = {
  to: 'owner@example.com',
  subject: 'New application password created',
  text: 'Hello owner,\nThe secret code is 271828.\n',
  html: '<p>Hello owner,</p><p>The secret code is 271828.</p>',
};

describe('createMailer with an SMTP URL', () => {
  let server: SMTPServer;
  let port: number;
  const received: Received[] = [];

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            envelope: session.envelope,
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers the message to the SMTP server', async () => {
    const { logger, lines } = capturedLogger();
    const mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      dataDir: '/nonexistent',
      from: mailFromAddress('https://auth.example.org/site'),
      logger,
    });
    await expect(mailer.send(MESSAGE)).resolves.toEqual({ delivered: 'smtp' });
    await mailer.close();

    expect(received).toHaveLength(1);
    const [mail] = received as [Received];
    expect(mail.envelope.mailFrom).toMatchObject({ address: 'no-reply@auth.example.org' });
    expect(mail.envelope.rcptTo.map((r) => r.address)).toEqual(['owner@example.com']);
    const { headers, body } = parseMessage(mail.raw);
    expect(headers.get('from')).toBe('Latchkey <no-reply@auth.example.org>');
    expect(headers.get('to')).toBe('owner@example.com');
    expect(headers.get('subject')).toBe('New application password created');
    expect(headers.get('content-type')).toMatch(/^multipart\/alternative/);
    expect(body).toContain('Content-Type: text/plain');
    expect(body).toContain('The secret code is 271828.');
    expect(body).toContain('<p>The secret code is 271828.</p>');
    expect(lines.join('')).not.toContain('271828');
  });

  it('rejects when the SMTP server cannot be reached, and refuses to send once closed', async () => {
    const closed = new SMTPServer({ authOptional: true, logger: false });
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${deadPort}`,
      dataDir: '/nonexistent',
      from: 'Latchkey <no-reply@example.org>',
      logger: capturedLogger().logger,
    });
    await expect(mailer.send(MESSAGE)).rejects.toThrow(/ECONNREFUSED|connect/i);
    await mailer.close();
    await expect(mailer.send(MESSAGE)).rejects.toThrow(/closed/);
  });
});

describe('createMailer without an SMTP URL', () => {
  let dataDir: string;
  let mailer: Mailer;
  let lines: string[];

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-mail-'));
    const captured = capturedLogger();
    lines = captured.lines;
    mailer = createMailer({
      smtpUrl: undefined,
      dataDir,
      from: mailFromAddress('http://127.0.0.1:8080'),
      logger: captured.logger,
      now: () => Date.UTC(2026, 0, 2, 3, 4, 5, 678),
    });
  });
  afterEach(async () => {
    await mailer.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes an .eml file readable only by the owner and logs its path, not the body', async () => {
    const result = await mailer.send(MESSAGE);
    const outbox = path.join(dataDir, 'outbox');
    expect(result.delivered).toBe('outbox');
    expect(path.dirname(result.path!)).toBe(outbox);
    expect(path.basename(result.path!)).toMatch(/^20260102T030405678Z-[0-9a-f]{12}\.eml$/);
    expect(await readdir(outbox)).toEqual([path.basename(result.path!)]);
    expect((await stat(outbox)).mode & 0o777).toBe(0o700);
    expect((await stat(result.path!)).mode & 0o777).toBe(0o600);

    const raw = await readFile(result.path!, 'utf8');
    const { headers, body } = parseMessage(raw);
    expect(headers.get('to')).toBe('owner@example.com');
    expect(headers.get('subject')).toBe('New application password created');
    expect(headers.get('from')).toBe('Latchkey <no-reply@[127.0.0.1]>');
    expect(headers.get('date')).toBeTruthy();
    expect(headers.get('message-id')).toMatch(/^<.+@.+>$/);
    expect(body).toContain('The secret code is 271828.');
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/\n/);

    const log = lines.join('');
    expect(log).toContain(JSON.stringify(result.path));
    expect(log).not.toContain('271828');
    expect(log).not.toContain('secret code');
  });

  it('gives each message its own file', async () => {
    const first = await mailer.send(MESSAGE);
    const second = await mailer.send({ ...MESSAGE, html: undefined });
    expect(first.path).not.toBe(second.path);
    expect(await readdir(path.join(dataDir, 'outbox'))).toHaveLength(2);
  });
});
