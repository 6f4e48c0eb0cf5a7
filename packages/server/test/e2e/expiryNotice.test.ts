import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApplicationPassword } from '../helpers/appPasswords.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startSmtpServer, textPart } from '../helpers/smtp.js';
import { STORES } from '../helpers/stores.js';

const DAY = 24 * 3600 * 1000;

describe.each(STORES)('mail a week before an application password expires ($name)', (store) => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ store, config: { smtpUrl: smtp.url } });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('tells the owner once, only for passwords expiring within seven days', async () => {
    const user = await server.createUser('expirer', 'author');
    await makeApplicationPassword(server, user.id, 'soon <b>gone</b>', {
      expires: server.clock.now + 3 * DAY,
    });
    await makeApplicationPassword(server, user.id, 'later', {
      expires: server.clock.now + 30 * DAY,
    });
    await makeApplicationPassword(server, user.id, 'forever');
    const before = smtp.messages.length;
    expect((await server.latchkey.sweep()).expiryNotices).toBe(1);
    await smtp.waitFor(before + 1);
    const mail = smtp.messages[before]!;
    expect(mail.to).toEqual(['expirer@example.com']);
    expect(textPart(mail.raw)).toContain('soon <b>gone</b>');
    // Once only, on this node and any other.
    expect((await server.latchkey.sweep()).expiryNotices).toBe(0);
    // The next one comes into the window later.
    server.clock.advance(24 * DAY);
    try {
      expect((await server.latchkey.sweep()).expiryNotices).toBe(1);
    } finally {
      server.clock.advance(-24 * DAY);
    }
  });
});
