/**
 * Refusals beside their fields (issue 15): the profile form on /account, registration, the
 * set-password page a mailed link opens, and the administrator's edit and add-user forms each
 * answer a bad value with the field marked aria-invalid, its aria-describedby naming the message
 * beside it, the focus on it, what was typed kept, and no banner at the top; the rules show
 * before anything is typed. Over real HTTP on both stores, with a real SMTP peer for the link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSettings } from '../../src/settings/index.js';
import { BrowserClient } from '../helpers/browserClient.js';
import { linkIn, mailTo } from '../helpers/mailLinks.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { STORES } from '../helpers/stores.js';

/** The opening tag of the control with this id. */
const controlTag = (page: string, id: string): string => {
  const tag = new RegExp(`<(?:input|select)\\b[^>]*\\bid="${id}"[^>]*>`).exec(page)?.[0];
  if (!tag) throw new Error(`no control #${id} in the page`);
  return tag;
};

/** The text of the element with this id. */
const textOf = (page: string, id: string) =>
  new RegExp(`<[a-z0-9]+\\b[^>]*\\bid="${id}"[^>]*>([^<]*)<`).exec(page)?.[1];

/** Asserts the refusal sits beside `id`, linked and focused, and not in a banner. */
function expectBeside(page: string, id: string, message: string): void {
  const tag = controlTag(page, id);
  expect(tag).toContain('aria-invalid="true"');
  expect(tag).toContain('autofocus');
  const described = /aria-describedby="([^"]+)"/.exec(tag)?.[1]?.split(' ') ?? [];
  expect(described).toContain(`${id}-error`);
  expect(textOf(page, `${id}-error`)).toBe(message);
  expect(page).not.toMatch(/<p class="error" role="alert"/);
  // Only the refused field is marked.
  expect(page.match(/aria-invalid="true"/g)).toHaveLength(1);
}

describe.each(STORES)('refusals beside their fields, issue 15 ($name)', (store) => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let admin: BrowserClient;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ store, config: { smtpUrl: smtp.url } });
    admin = new BrowserClient(server.url);
    expect((await admin.signIn('admin', ADMIN_PASSWORD)).status).toBe(302);
    await server.createUser('taken', 'author');
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('/account profile: a taken address is refused beside Email, the typed values kept', async () => {
    await admin.get('/account');
    const page = await admin.postForm('/account/profile', {
      display_name: 'Ada Admin',
      email: 'taken@example.com',
    });
    expect(page.status).toBe(400);
    expectBeside(page.text_, 'profile-email', 'Sorry, that email address is already used!');
    expect(controlTag(page.text_, 'profile-email')).toContain('value="taken@example.com"');
    expect(controlTag(page.text_, 'profile-display-name')).toContain('value="Ada Admin"');
    // The rule is linked before anything goes wrong.
    const fresh = await admin.get('/account');
    expect(controlTag(fresh.text_, 'profile-email')).toContain(
      'aria-describedby="profile-email-rule"',
    );
    expect(fresh.text_).not.toContain('aria-invalid');
  });

  it('registration: a bad username beside its field, a bad address beside its own', async () => {
    await writeSettings(server.latchkey.store.db, { usersCanRegister: true });
    const visitor = new BrowserClient(server.url);
    const form = await visitor.get('/register');
    expect(controlTag(form.text_, 'user_login')).toContain('aria-describedby="user_login-rule"');
    const login = await visitor.postForm('/register', {
      user_login: 'no<way>',
      user_email: 'someone@example.org',
    });
    expect(login.status).toBe(400);
    expectBeside(
      login.text_,
      'user_login',
      'Sorry, that username is not allowed: use letters, digits, spaces and _ . - @ (at most 60).',
    );
    expect(controlTag(login.text_, 'user_email')).toContain('value="someone@example.org"');
    const email = await visitor.postForm('/register', {
      user_login: 'someone',
      user_email: 'not-an-address',
    });
    expect(email.status).toBe(400);
    expectBeside(email.text_, 'user_email', 'Sorry, that email address is not valid.');
  });

  it('set password from the mailed link: a mismatch beside the repeat, a short one beside the new', async () => {
    await admin.get('/admin/users');
    const invited = await admin.postForm('/admin/users', {
      login: 'guest',
      email: 'guest@example.org',
      password: '',
      role: 'author',
    });
    expect(invited.status).toBe(303);
    const [mail] = await smtp.waitFor(1, mailTo('guest@example.org'));
    const link = linkIn(mail!, '/login/reset-password');
    const guest = new BrowserClient(server.url);
    const form = await guest.get(link);
    expect(form.status).toBe(200);
    expect(controlTag(form.text_, 'pass1')).toContain('aria-describedby="pass1-rule"');
    const url = new URL(link, server.url);
    const fields = { key: url.searchParams.get('key')!, login: 'guest' };
    const mismatch = await guest.postForm('/login/reset-password', {
      ...fields,
      pass1: 'a long enough phrase 1',
      pass2: 'a long enough phrase 2',
    });
    expect(mismatch.status).toBe(400);
    expectBeside(mismatch.text_, 'pass2', 'The two passwords do not match.');
    const short = await guest.postForm('/login/reset-password', {
      ...fields,
      pass1: 'short',
      pass2: 'short',
    });
    expect(short.status).toBe(400);
    const tag = controlTag(short.text_, 'pass1');
    expect(tag).toContain('aria-invalid="true"');
    expect(/aria-describedby="([^"]+)"/.exec(tag)?.[1]).toBe('pass1-rule pass1-error');
    expect(textOf(short.text_, 'pass1-error')).toMatch(/8/);
    // Refusals spent nothing: the link still sets the password.
    const done = await guest.postForm('/login/reset-password', {
      ...fields,
      pass1: 'a long enough phrase 1',
      pass2: 'a long enough phrase 1',
    });
    expect(done.status).toBe(303);
  });

  it("the admin's add-user form: a taken username beside Username, nothing typed lost but the password", async () => {
    await admin.get('/admin/users');
    const page = await admin.postForm('/admin/users', {
      login: 'taken',
      email: 'other@example.org',
      display_name: 'Other',
      password: 'a long enough phrase 1',
      role: 'editor',
    });
    expect(page.status).toBe(400);
    expectBeside(page.text_, 'new-user-login', 'Sorry, that username already exists!');
    expect(controlTag(page.text_, 'new-user-email')).toContain('value="other@example.org"');
    expect(page.text_).toMatch(/<option value="editor" selected/);
    expect(page.text_).not.toContain('a long enough phrase 1');
    const mail = await admin.postForm('/admin/users', {
      login: 'other',
      email: 'nope',
      password: '',
      role: 'author',
    });
    expectBeside(mail.text_, 'new-user-email', 'Sorry, that email address is not valid.');
  });

  it("the admin's edit form on /admin/users/{id}: a bad address beside Email, the names kept", async () => {
    const list = await admin.get('/admin/users');
    const id = /href="\/admin\/users\/(\d+)">taken</.exec(list.text_)?.[1];
    expect(id).toBeDefined();
    await admin.get(`/admin/users/${id}`);
    const page = await admin.postForm(`/admin/users/${id}/profile`, {
      first_name: 'Tak',
      last_name: 'En',
      display_name: 'Taken Person',
      email: 'admin@localhost.localdomain',
    });
    expect(page.status).toBe(400);
    expectBeside(page.text_, 'edit-email', 'Sorry, that email address is already used!');
    expect(controlTag(page.text_, 'edit-first-name')).toContain('value="Tak"');
    expect(controlTag(page.text_, 'edit-display-name')).toContain('value="Taken Person"');
  });
});
