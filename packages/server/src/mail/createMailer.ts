import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import type Nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';

const require = createRequire(import.meta.url);
/** Required when the first message is sent: mail is rare, and nodemailer is large. */
const nodemailer = () => require('nodemailer') as typeof Nodemailer;
import type { Logger } from 'pino';
import type { OutgoingMail, SendResult } from './message.js';

/** A slow or silent SMTP server must not hold a request (or shutdown) for minutes. */
const SMTP_TIMEOUT_MS = 10_000;

export interface MailerOptions {
  /** `smtp://` or `smtps://` URL; without it each message is written to `<dataDir>/outbox`. */
  smtpUrl: string | undefined;
  dataDir: string;
  /** The From header, e.g. `mailFromAddress(config.siteUrl)`. */
  from: string;
  logger: Logger;
  /** The clock used for outbox file names. */
  now?: () => number;
}

export interface Mailer {
  /** Resolves once the SMTP server accepted the message or the .eml file is written; rejects otherwise. */
  send(message: OutgoingMail): Promise<SendResult>;
  /** Waits for messages being sent, then releases the transport. Later sends reject. */
  close(): Promise<void>;
}

export function createMailer(options: MailerOptions): Mailer {
  const { smtpUrl, dataDir, from, logger } = options;
  const now = options.now ?? Date.now;
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl))
    throw new TypeError('createMailer: expected an smtp:// or smtps:// URL');

  const deliver = smtpUrl
    ? smtpDelivery(smtpUrl, logger)
    : outboxDelivery(path.join(dataDir, 'outbox'), logger, now);
  const pending = new Set<Promise<SendResult>>();
  let closed = false;

  return {
    send(message) {
      if (closed) return Promise.reject(new Error('mailer is closed: message not sent'));
      const sending = deliver.send({ from, ...message });
      pending.add(sending);
      const forget = () => pending.delete(sending);
      sending.then(forget, forget);
      return sending;
    },
    async close() {
      closed = true;
      await Promise.allSettled([...pending]);
      deliver.close();
    },
  };
}

interface Delivery {
  send(message: OutgoingMail & { from: string }): Promise<SendResult>;
  close(): void;
}

function smtpDelivery(url: string, logger: Logger): Delivery {
  // Not pooled: mail is rare (new credentials, codes), and a pooled idle connection would
  // only meet the server's idle timeout.
  let transport: Transporter | undefined;
  return {
    async send(message) {
      transport ??= nodemailer().createTransport({
        url,
        connectionTimeout: SMTP_TIMEOUT_MS,
        greetingTimeout: SMTP_TIMEOUT_MS,
        socketTimeout: SMTP_TIMEOUT_MS,
        dnsTimeout: SMTP_TIMEOUT_MS,
      });
      const info = await transport.sendMail(message);
      logger.info({ to: message.to, messageId: info.messageId }, 'mail sent over SMTP');
      return { delivered: 'smtp' };
    },
    close() {
      transport?.close();
    },
  };
}

function outboxDelivery(outbox: string, logger: Logger, now: () => number): Delivery {
  // The stream transport composes the same RFC 5322 message SMTP would carry, CRLF included.
  let transport: Transporter | undefined;
  return {
    async send(message) {
      transport ??= nodemailer().createTransport({
        streamTransport: true,
        buffer: true,
        newline: 'windows',
      });
      const info = await transport.sendMail(message);
      // Messages may carry codes and links that act on the account: owner-only folder and file.
      await mkdir(outbox, { recursive: true, mode: 0o700 });
      await chmod(outbox, 0o700);
      const stamp = new Date(now()).toISOString().replace(/[-:.]/g, '');
      const file = path.join(outbox, `${stamp}-${randomBytes(6).toString('hex')}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600, flag: 'wx' });
      // The path only, never the body.
      logger.info({ path: file, to: message.to }, 'mail written to the outbox (no SMTP_URL)');
      return { delivered: 'outbox', path: file };
    },
    close() {
      transport?.close();
    },
  };
}
