/**
 * SPEC §6.5's security notices (ASVS 6.3.7, 7.2.4's neighbours) through a real SMTP peer on
 * both stores: a sign-in from a device and address not seen in the last 90 days, a password
 * change, a second factor added and removed, recovery codes regenerated. None holds a secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceFamily } from '../../src/notices/index.js';
import { totpCode } from '../../src/two-factor/index.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { readMail } from '../helpers/mailLinks.js';
import { startTestServer, testPassword, type TestServer } from '../helpers/server.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { STORES } from '../helpers/stores.js';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const FIREFOX_NEWER = 'Mozilla/5.0 (X11; Linux x86_64; rv:141.0) Gecko/20100101 Firefox/141.0';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';
const DAY = 24 * 3600_000;

describe('deviceFamily', () => {
  it('names browser and system, not versions', () => {
    expect(deviceFamily(FIREFOX)).toBe('Firefox on Linux');
    expect(deviceFamily(FIREFOX_NEWER)).toBe(deviceFamily(FIREFOX));
    expect(deviceFamily(SAFARI_IPHONE)).toBe('Safari on iOS');
    expect(deviceFamily('curl/8.5.0')).toBe('curl/8.5.0');
  });
});

describe.each(STORES)('security notices, SPEC §6.5 ($name)', (store) => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({
      store,
      config: { smtpUrl: smtp.url, trustProxy: '127.0.0.1/32' },
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  const mailsTo = (address: string) =>
    smtp.messages.filter((m) => m.to.includes(address)).map(readMail);
  const signInFrom = async (login: string, ua: string, ip: string) => {
    const browser = new BrowserClient(server.url, ua);
    await browser.get('/login');
    const response = await browser.postForm(
      '/login',
      { log: login, pwd: testPassword(login) },
      { 'x-forwarded-for': ip },
    );
    expect(response.status).toBe(302);
    return browser;
  };

  it('mails a sign-in from a new device or address, not a known one, not the first ever', async () => {
    const user = await server.createUser('traveller', 'author');
    await signInFrom('traveller', FIREFOX, '198.51.100.7');
    // A newer version of the same browser from the same address is the same device.
    await signInFrom('traveller', FIREFOX_NEWER, '198.51.100.7');
    expect(mailsTo(user.email)).toEqual([]);
    await signInFrom('traveller', SAFARI_IPHONE, '198.51.100.7');
    await signInFrom('traveller', FIREFOX, '203.0.113.9');
    const mails = await smtp.waitFor(2, (m) => m.to.includes(user.email));
    const read = mails.map(readMail);
    expect(read.map((m) => m.subject)).toEqual([
      '[Latchkey] New sign-in to your account',
      '[Latchkey] New sign-in to your account',
    ]);
    expect(read.map((m) => /Device: +(.*)/.exec(m.text)?.[1]).sort()).toEqual([
      'Firefox on Linux',
      'Safari on iOS',
    ]);
    expect(read.some((m) => m.text.includes('203.0.113.9'))).toBe(true);
    for (const m of read) expect(m.text).not.toContain(testPassword('traveller'));
    // 90 days later the first device is new again.
    server.clock.advance(91 * DAY);
    await signInFrom('traveller', FIREFOX, '198.51.100.7');
    await smtp.waitFor(3, (m) => m.to.includes(user.email));
  });

  it('mails a password change, and a second factor added and removed, with no secret', async () => {
    const user = await server.createUser('notified', 'author');
    const browser = await signInFrom('notified', FIREFOX, '198.51.100.20');
    await browser.get('/account');
    const changed = await browser.postForm(
      '/account/password',
      {
        current_password: testPassword('notified'),
        new_password: 'lantern-moss-river-42',
        confirm_password: 'lantern-moss-river-42',
      },
      { 'x-forwarded-for': '198.51.100.20' },
    );
    expect(changed.status).toBe(303);
    const [pw] = await smtp.waitFor(1, (m) => m.to.includes(user.email));
    const pwMail = readMail(pw!);
    expect(pwMail.subject).toBe('[Latchkey] Your password was changed');
    expect(pwMail.text).toContain('198.51.100.20');
    expect(pwMail.text).not.toContain('lantern-moss-river-42');

    await browser.get('/account/two-factor');
    const setup = await browser.postForm('/account/two-factor/totp', {});
    const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(setup.text_)![1]!.replaceAll(' ', '');
    const code = totpCode({ secret, timeMs: server.clock.now });
    await browser.postForm('/account/two-factor/totp/confirm', { code });
    const codes = await browser.postForm('/account/two-factor/backup-codes', {});
    const shownCodes = [...codes.text_.matchAll(/\b(\d{4} ?\d{4})\b/g)].map((m) => m[1]!);
    await browser.get('/account/two-factor');
    await browser.postForm('/account/two-factor/totp/disable', {});
    const all = (await smtp.waitFor(4, (m) => m.to.includes(user.email))).map(readMail);
    expect(all.map((m) => m.subject).sort()).toEqual([
      '[Latchkey] A second factor was added to your account',
      '[Latchkey] A second factor was removed from your account',
      '[Latchkey] New recovery codes for your account',
      '[Latchkey] Your password was changed',
    ]);
    expect(all.find((m) => m.subject.includes('added'))!.text).toMatch(
      /Method: +Authenticator app/,
    );
    for (const m of all) {
      expect(m.text).not.toContain(secret);
      expect(m.text).not.toContain(code);
      for (const c of shownCodes) expect(m.text).not.toContain(c);
    }
  });
});
