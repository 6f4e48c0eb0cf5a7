/**
 * "Lost your password?" (SPEC §12) over real HTTP on both stores, with a real SMTP peer catching
 * the mail: the link on /login and WordPress's addresses, the flow end to end from the link in the
 * mail, the same answer (and similar time) for known and unknown accounts, used / expired /
 * superseded links refused with a clear page, the limits, CSRF on every form, and one link
 * spent exactly once under two concurrent submissions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listApplicationPasswords } from '../../src/app-passwords/index.js';
import { findUserById, setUserDisabled } from '../../src/accounts/index.js';
import { loadTwoFactorState } from '../../src/two-factor/index.js';
import { makeApplicationPassword } from '../helpers/appPasswords.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { keyOf, linkIn, mailTo, readMail } from '../helpers/mailLinks.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { STORES } from '../helpers/stores.js';
import { enableTotp } from '../helpers/twoFactor.js';

const LOST = '/login/lost-password';
const RESET = '/login/reset-password';
const ANSWER =
  'If that account exists, we emailed a link to it. The link works once, within one hour.';

const reasonOf = (page: string) => /id="link-refused" data-reason="([a-z]+)"/.exec(page)?.[1];
const flashOf = (page: string) =>
  /<p class="(?:notice|error)" role="[a-z]+"[^>]*>([^<]*)</.exec(page)?.[1];
const fieldErrorOf = (page: string, id: string) =>
  new RegExp(`<p class="field-error" id="${id}-error">([^<]*)<`).exec(page)?.[1];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe.each(STORES)('lost password, SPEC §12 ($name)', (store) => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let addressCounter = 0;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    // Requests carry X-Forwarded-For from a trusted proxy: each test is its own client address,
    // so §7's per-address limit of one test does not spill into the next.
    server = await startTestServer({
      store,
      config: { smtpUrl: smtp.url, trustProxy: '127.0.0.1/32' },
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });
  const db = () => server.latchkey.store.db;

  /** A browser at its own client address (a documentation range, one per test). */
  const client = () => {
    const ip = `198.51.100.${++addressCounter}`;
    const browser = new BrowserClient(server.url, `lost-password test ${ip}`);
    const headers = { 'x-forwarded-for': ip };
    return {
      ip,
      browser,
      get: (path: string) => browser.get(path, headers),
      post: (
        path: string,
        fields: Record<string, string | null>,
        extra: Record<string, string> = {},
      ) => browser.postForm(path, fields, { ...headers, ...extra }),
    };
  };

  /** Asks for a reset through the form; returns the answer. */
  async function ask(c: ReturnType<typeof client>, log: string) {
    await c.get(LOST);
    return c.post(LOST, { user_login: log });
  }

  /** Asks and waits for the `n`th reset mail to the user; returns its link. */
  async function askAndFollow(c: ReturnType<typeof client>, login: string, n = 1) {
    const answer = await ask(c, login);
    expect(answer.status).toBe(200);
    const mails = await smtp.waitFor(n, mailTo(`${login}@example.com`, 'Password reset'));
    return { mail: mails[n - 1]!, link: linkIn(mails[n - 1]!, RESET) };
  }

  const audit = async (userId: number, event: string) =>
    db()
      .selectFrom('audit_events')
      .select(['event', 'details', 'ip'])
      .where('user_id', '=', userId)
      .where('event', '=', event)
      .execute();

  it('links to itself from /login; WordPress addresses go to the same pages', async () => {
    const c = client();
    const login = await c.get('/login');
    expect(login.text_).toContain(
      '<a href="/login/lost-password" id="lost-password">Lost your password?</a>',
    );
    // Registration is off by default: no link to it.
    expect(login.text_).not.toContain('href="/register"');
    const cases: [string, string][] = [
      ['/wp-login.php?action=lostpassword', LOST],
      ['/wp-login.php?action=rp&key=abc&login=bob', `${RESET}?key=abc&login=bob`],
      ['/wp-login.php?action=resetpass&key=abc&login=bob', `${RESET}?key=abc&login=bob`],
      ['/wp-login.php?action=register', '/register'],
      ['/wp-login.php?action=constructor', '/login?action=constructor'],
      ['/wp-login.php?redirect_to=%2Faccount', '/login?redirect_to=%2Faccount'],
    ];
    for (const [from, to] of cases) {
      const r = await c.get(from);
      expect(r.status, from).toBe(302);
      expect(r.headers.get('location'), from).toBe(to);
    }
    const page = await c.get(LOST);
    expect(page.status).toBe(200);
    expect(page.text_).toContain('name="user_login"');
  });

  it('end to end: the mailed link sets a new password once, ends every session, can revoke app passwords, is audited and told', async () => {
    const rita = await server.createUser('rita', 'author');
    await makeApplicationPassword(server, rita.id, 'Phone');
    const before = new BrowserClient(server.url, 'rita elsewhere');
    expect((await before.signIn('rita', 'atir-Pass-1234')).status).toBe(302);

    const c = client();
    const answer = await ask(c, 'rita');
    expect(answer.status).toBe(200);
    expect(flashOf(answer.text_)).toBe(ANSWER);
    const [mail] = await smtp.waitFor(1, mailTo('rita@example.com', 'Password reset'));
    const read = readMail(mail!);
    expect(read.subject).toBe('[Latchkey] Password reset');
    expect(read.text).toContain('Latchkey');
    expect(read.text).toMatch(new RegExp(`IP address: +${c.ip.replaceAll('.', '\\.')}`));
    expect(read.text).toMatch(/Requested: +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(read.text).not.toContain('atir-Pass-1234');
    const link = linkIn(mail!, RESET);
    expect(link).toMatch(/^\/login\/reset-password\?key=[A-Za-z0-9_-]{43,}&login=rita$/);
    // SPEC §12: stored hashed, never as the token itself.
    const rows = await db()
      .selectFrom('account_links')
      .selectAll()
      .where('user_id', '=', rita.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.purpose).toBe('reset');
    expect(rows[0]!.token_hash).not.toContain(keyOf(link));
    expect(Number(rows[0]!.expires) - Number(rows[0]!.created)).toBe(3600_000);

    const form = await c.get(link);
    expect(form.status).toBe(200);
    expect(form.text_).toContain('Choose a new password');
    expect(form.text_).toContain('id="revoke_app_passwords"');
    // Refusals of the password leave the link usable.
    const mismatch = await c.post(RESET, {
      key: keyOf(link),
      login: 'rita',
      pass1: 'Brand-new-pass-1',
      pass2: 'Brand-new-pass-2',
    });
    expect(mismatch.status).toBe(400);
    // The refusal sits beside its field (fieldErrors.test.ts checks the markup).
    expect(fieldErrorOf(mismatch.text_, 'pass2')).toBe('The two passwords do not match.');
    const short = await c.post(RESET, {
      key: keyOf(link),
      login: 'rita',
      pass1: 'short',
      pass2: 'short',
    });
    expect(short.status).toBe(400);
    expect(fieldErrorOf(short.text_, 'pass1')).toBe('The password must be at least 8 characters.');
    // SPEC §6.5: a common password, or one holding the login, is refused with the reason.
    const refusals: [string, string][] = [
      ['iloveyou123', 'That password is one of the most common passwords. Choose another one.'],
      ['Rita-forever-2031', 'The password must not contain your username.'],
    ];
    for (const [pass, reason] of refusals) {
      const refused = await c.post(RESET, {
        key: keyOf(link),
        login: 'rita',
        pass1: pass,
        pass2: pass,
      });
      expect(refused.status).toBe(400);
      expect(fieldErrorOf(refused.text_, 'pass1')).toBe(reason);
    }
    // A link with another login is no link at all.
    const otherLogin = await c.get(link.replace('login=rita', 'login=admin'));
    expect(otherLogin.status).toBe(400);
    expect(reasonOf(otherLogin.text_)).toBe('unknown');

    const done = await c.post(RESET, {
      key: keyOf(link),
      login: 'rita',
      pass1: 'Brand-new-pass-1',
      pass2: 'Brand-new-pass-1',
      revoke_app_passwords: 'yes',
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/login?notice=password_reset');
    // Every session ended; the application passwords were revoked as asked.
    expect((await before.get('/account')).status).toBe(302);
    expect(await listApplicationPasswords(db(), rita.id)).toEqual([]);
    const newer = (await findUserById(db(), rita.id))!;
    expect(newer.credentialsVersion).toBeGreaterThan(rita.credentialsVersion);
    expect(newer.emailVerifiedAt).not.toBeNull();
    // The old password is refused, the new one signs in.
    const signIn = new BrowserClient(server.url);
    expect((await signIn.signIn('rita', 'atir-Pass-1234')).status).toBe(200);
    expect((await signIn.signIn('rita', 'Brand-new-pass-1')).status).toBe(302);
    // Used: refused with a clear page, on GET and on POST.
    const again = await c.get(link);
    expect(again.status).toBe(400);
    expect(reasonOf(again.text_)).toBe('used');
    expect(again.text_).toContain('This link was already used.');
    const replay = await c.post(RESET, {
      key: keyOf(link),
      login: 'rita',
      pass1: 'Another-pass-99',
      pass2: 'Another-pass-99',
    });
    expect(replay.status).toBe(400);
    expect(reasonOf(replay.text_)).toBe('used');
    // Audited, and the user is told (without any password in the mail).
    const events = await audit(rita.id, 'password.reset');
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.details)).toMatchObject({
      via: 'reset',
      sessions_ended: 1,
      app_passwords_revoked: 1,
    });
    expect(events[0]!.ip).toBe(c.ip);
    expect(await audit(rita.id, 'app_password.revoked')).toHaveLength(1);
    const [told] = await smtp.waitFor(1, mailTo('rita@example.com', 'Your password was reset'));
    expect(readMail(told!).text).not.toContain('Brand-new-pass-1');
  });

  it('keeps application passwords unless asked, and never removes a second factor: it is asked at the next sign-in', async () => {
    const tess = await server.createUser('tess', 'editor');
    const ap = await makeApplicationPassword(server, tess.id, 'Script');
    await enableTotp(server, tess);
    const c = client();
    const { link } = await askAndFollow(c, 'tess');
    await c.get(link);
    const done = await c.post(RESET, {
      key: keyOf(link),
      login: 'tess',
      pass1: 'Fresh-new-pass-1',
      pass2: 'Fresh-new-pass-1',
    });
    expect(done.status).toBe(303);
    expect((await listApplicationPasswords(db(), tess.id)).map((r) => r.uuid)).toEqual([ap.uuid]);
    expect((await loadTwoFactorState(db(), tess.id)).enabled).toEqual(['totp']);
    const signIn = new BrowserClient(server.url);
    const step = await signIn.signIn('tess', 'Fresh-new-pass-1');
    expect(step.status).toBe(200);
    expect(step.text_).toContain('name="challenge"');
    expect(signIn.cookies.has('latchkey_session')).toBe(false);
  });

  it('answers a known and an unknown account with the same status and body, in similar time', async () => {
    await server.createUser('tim', 'subscriber');
    const c = client();
    await c.get(LOST);
    const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    const bodies: Record<'known' | 'unknown', Set<string>> = {
      known: new Set(),
      unknown: new Set(),
    };
    const statuses = new Set<number>();
    // 14 of each, alternated (28 requests: within the per-address allowance of 30).
    for (let i = 0; i < 14; i++) {
      for (const kind of ['known', 'unknown'] as const) {
        const started = performance.now();
        const r = await c.post(LOST, { user_login: kind === 'known' ? 'tim' : `nobody-${i}` });
        times[kind].push(performance.now() - started);
        statuses.add(r.status);
        bodies[kind].add(r.text_);
      }
    }
    expect([...statuses]).toEqual([200]);
    expect(bodies.known.size).toBe(1);
    expect([...bodies.known]).toEqual([...bodies.unknown]);
    const [known, unknown] = [median(times.known), median(times.unknown)];
    // Loose on purpose (a shared 2-core machine): neither is several times the other.
    expect(Math.max(known, unknown)).toBeLessThan(3 * Math.min(known, unknown) + 25);
    // Only the account that exists was mailed, and only 3 times in the hour (SPEC §12).
    await smtp.waitFor(3, mailTo('tim@example.com', 'Password reset'));
    expect(smtp.messages.filter((m) => m.to.some((t) => t.startsWith('nobody-')))).toEqual([]);
  });

  it('limits: 3 mails per account and hour (the answer unchanged), §7 per address (429)', async () => {
    const lim = await server.createUser('lim', 'subscriber');
    const c = client();
    for (let i = 0; i < 5; i++) {
      const r = await ask(c, i % 2 ? 'lim@example.com' : 'LIM');
      expect(r.status).toBe(200);
      expect(flashOf(r.text_)).toBe(ANSWER);
    }
    await smtp.waitFor(3, mailTo('lim@example.com', 'Password reset'));
    // A later request for someone else has been mailed: the refused ones had their chance.
    await server.createUser('limtwo', 'subscriber');
    await askAndFollow(client(), 'limtwo');
    expect(smtp.messages.filter(mailTo('lim@example.com', 'Password reset'))).toHaveLength(3);
    const refused = (await audit(lim.id, 'password.reset_requested')).map((e) =>
      JSON.parse(e.details),
    );
    expect(refused.filter((d) => d.reason === 'mail_limit')).toHaveLength(2);

    const flood = client();
    await flood.get(LOST);
    const answers = await Promise.all(
      Array.from({ length: 32 }, (_, i) => flood.post(LOST, { user_login: `flood-${i}` })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(30);
    const tooMany = answers.filter((a) => a.status === 429);
    expect(tooMany).toHaveLength(2);
    expect(Number(tooMany[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is not held up.
    expect((await ask(client(), 'flood-x')).status).toBe(200);
  });

  it('refuses a superseded link, an expired one, and gives a disabled account nothing', async () => {
    await server.createUser('sue', 'subscriber');
    const c = client();
    const first = await askAndFollow(c, 'sue', 1);
    const second = await askAndFollow(c, 'sue', 2);
    const old = await c.get(first.link);
    expect(old.status).toBe(400);
    expect(reasonOf(old.text_)).toBe('superseded');
    expect(old.text_).toContain('replaced by a newer one');
    expect(old.text_).toContain('href="/login/lost-password"');
    expect((await c.get(second.link)).status).toBe(200);

    server.clock.advance(60 * 60_000 + 1000);
    const expired = await c.get(second.link);
    expect(expired.status).toBe(400);
    expect(reasonOf(expired.text_)).toBe('expired');
    const late = await c.post(RESET, {
      key: keyOf(second.link),
      login: 'sue',
      pass1: 'Too-late-pass-1',
      pass2: 'Too-late-pass-1',
    });
    expect(late.status).toBe(400);
    expect(reasonOf(late.text_)).toBe('expired');
    // The hourly sweep keeps a dead link a week (for the "expired" answer), then deletes it.
    const rowsOf = async () =>
      (await db().selectFrom('account_links').select('id').execute()).length;
    const kept = await rowsOf();
    await server.latchkey.sweep();
    expect(await rowsOf()).toBe(kept);
    server.clock.advance(7 * 24 * 60 * 60_000);
    expect((await server.latchkey.sweep()).linksPurged).toBeGreaterThanOrEqual(2);
    expect(await rowsOf()).toBeLessThan(kept);
    expect(reasonOf((await c.get(second.link)).text_)).not.toBe('expired');

    const dora = await server.createUser('dora', 'subscriber');
    const doraLink = await askAndFollow(client(), 'dora');
    await setUserDisabled(db(), dora, true);
    // A link mailed before the account was disabled no longer works.
    const refused = await c.get(doraLink.link);
    expect(refused.status).toBe(400);
    expect(reasonOf(refused.text_)).toBe('disabled');
    expect((await ask(client(), 'dora')).status).toBe(200);
    await server.createUser('dana', 'subscriber');
    await askAndFollow(client(), 'dana');
    expect(smtp.messages.filter(mailTo('dora@example.com'))).toHaveLength(1);
  });

  it('refuses forms without the right CSRF token or from another origin (403), spending nothing', async () => {
    await server.createUser('cole', 'subscriber');
    const c = client();
    await c.get(LOST);
    expect((await c.post(LOST, { user_login: 'cole', _csrf: null })).status).toBe(403);
    expect((await c.post(LOST, { user_login: 'cole', _csrf: 'forged' })).status).toBe(403);
    expect(
      (await c.post(LOST, { user_login: 'cole' }, { origin: 'https://evil.example' })).status,
    ).toBe(403);
    const { link } = await askAndFollow(c, 'cole');
    await c.get(link);
    const fields = {
      key: keyOf(link),
      login: 'cole',
      pass1: 'Fresh-new-pass-2',
      pass2: 'Fresh-new-pass-2',
    };
    expect((await c.post(RESET, { ...fields, _csrf: null })).status).toBe(403);
    expect((await c.post(RESET, { ...fields, _csrf: 'forged' })).status).toBe(403);
    // Another browser's token does not fit this browser's cookie.
    const other = client();
    await other.get(LOST);
    expect((await c.post(RESET, { ...fields, _csrf: other.browser.lastCsrf! })).status).toBe(403);
    expect((await c.post(RESET, fields, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await c.get(link)).status).toBe(200);
    expect((await c.post(RESET, fields)).status).toBe(303);
  });

  it('lets a link through exactly once under two concurrent submissions', async () => {
    await server.createUser('duo', 'subscriber');
    const c = client();
    const { link } = await askAndFollow(c, 'duo');
    await c.get(link);
    const submit = (pass: string) =>
      c.post(RESET, { key: keyOf(link), login: 'duo', pass1: pass, pass2: pass });
    const answers = await Promise.all([submit('First-pass-1111'), submit('Second-pass-2222')]);
    expect(answers.map((a) => a.status).sort()).toEqual([303, 400]);
    expect(reasonOf(answers.find((a) => a.status === 400)!.text_)).toBe('used');
    const winner = answers[0]!.status === 303 ? 'First-pass-1111' : 'Second-pass-2222';
    const loser = winner === 'First-pass-1111' ? 'Second-pass-2222' : 'First-pass-1111';
    expect((await new BrowserClient(server.url).signIn('duo', loser)).status).toBe(200);
    expect((await new BrowserClient(server.url).signIn('duo', winner)).status).toBe(302);
  });
});
