import { describe, expect, it } from 'vitest';
import { ImportReport } from './report.js';
import type { WordpressSite } from './source.js';
import { translateUsers, UNUSABLE_PASSWORD_HASH } from './translateUsers.js';

const NOW = 1_800_000_000_000;
const PHPASS = '$P$BZHTACCXNWc7ggvQs4l/HwdkezrTG3/';

function site(
  users: Array<{
    id: number;
    login: string;
    email?: string;
    pass?: string;
    meta?: Record<string, string>;
  }>,
): WordpressSite {
  return {
    tablePrefix: 'wp_',
    options: new Map(),
    users: users.map((u) => ({
      id: u.id,
      login: u.login,
      pass: u.pass ?? PHPASS,
      email: u.email ?? `${u.login}@example.com`,
      url: '',
      registered: '2023-01-09 10:00:00',
      displayName: '',
    })),
    userMeta: new Map(users.map((u) => [u.id, new Map(Object.entries(u.meta ?? {}))])),
    content: undefined,
  };
}
const role = (...roles: string[]) =>
  `a:${roles.length}:{${roles.map((r) => `s:${r.length}:"${r}";b:1;`).join('')}}`;

describe('translateUsers', () => {
  it('takes the role from {prefix}capabilities (the highest of several) and the profile', () => {
    const report = new ImportReport();
    const [ada] = translateUsers(
      site([
        {
          id: 1,
          login: 'ada',
          meta: { wp_capabilities: role('author', 'editor', 'seo_manager'), first_name: 'Ada' },
        },
      ]),
      report,
      NOW,
    );
    expect(ada?.user).toMatchObject({
      login: 'ada',
      role: 'editor',
      firstName: 'Ada',
      nickname: 'ada',
      displayName: 'ada',
      passwordHash: PHPASS,
      registered: Date.UTC(2023, 0, 9, 10, 0, 0),
    });
    expect(report.notes[0]).toMatch(/ada: imported as editor; also had author, seo_manager/);
  });

  it('leaves out users it cannot bring over faithfully, each with its reason', () => {
    const report = new ImportReport();
    const plans = translateUsers(
      site([
        { id: 1, login: 'nobody' },
        { id: 2, login: 'shop', meta: { wp_capabilities: role('shop_manager') } },
        { id: 3, login: 'bad login!', meta: { wp_capabilities: role('author') } },
        { id: 4, login: 'noemail', email: '', meta: { wp_capabilities: role('author') } },
        { id: 5, login: 'twin', meta: { wp_capabilities: role('author') } },
        {
          id: 6,
          login: 'TWIN',
          email: 'other@example.com',
          meta: { wp_capabilities: role('author') },
        },
        {
          id: 7,
          login: 'u2f',
          meta: {
            wp_capabilities: role('author'),
            _two_factor_enabled_providers: 'a:1:{i:0;s:19:"Two_Factor_FIDO_U2F";}',
          },
        },
        { id: 8, login: 'broken', meta: { wp_capabilities: 'a:1:{s:6:"author";' } },
      ]),
      report,
      NOW,
    );
    expect(plans.map((p) => p.user.login)).toEqual(['twin']);
    expect(report.skipped.map((s) => [s.item, s.code])).toEqual([
      ['nobody', 'no_role'],
      ['shop', 'unknown_role'],
      ['bad login!', 'invalid_login'],
      ['noemail', 'invalid_email'],
      ['TWIN', 'duplicate_in_wordpress'],
      ['u2f', 'two_factor_not_portable'],
      ['broken', 'meta_malformed'],
    ]);
  });

  it('reads application passwords, lower-casing ids and refusing malformed records', () => {
    const record = (fields: string) => `a:7:{${fields}}`;
    const good = record(
      's:4:"uuid";s:36:"39632911-F0F0-4743-A8F9-31F44CD0E946";s:6:"app_id";s:0:"";s:4:"name";s:19:"<b>Desktop</b>  app";s:8:"password";s:34:"$P$Beg7vQ/Zi9eb7dMQAYmgWltpOHEI140";s:7:"created";i:1796161856;s:9:"last_used";i:1796161900;s:7:"last_ip";s:7:"not-ip!";',
    );
    const noUuid = record(
      's:4:"uuid";s:3:"abc";s:6:"app_id";s:0:"";s:4:"name";s:1:"x";s:8:"password";s:34:"$P$Beg7vQ/Zi9eb7dMQAYmgWltpOHEI140";s:7:"created";i:1;s:9:"last_used";N;s:7:"last_ip";N;',
    );
    const plainHash = record(
      's:4:"uuid";s:36:"170de8bc-8034-46ed-b301-94ddaef37d86";s:6:"app_id";s:0:"";s:4:"name";s:1:"x";s:8:"password";s:32:"5f4dcc3b5aa765d61d8327deb882cf99";s:7:"created";i:1;s:9:"last_used";N;s:7:"last_ip";N;',
    );
    const report = new ImportReport();
    const [user] = translateUsers(
      site([
        {
          id: 1,
          login: 'ada',
          pass: '5f4dcc3b5aa765d61d8327deb882cf99',
          meta: {
            wp_capabilities: role('administrator'),
            _application_passwords: `a:3:{i:0;${good}i:1;${noUuid}i:2;${plainHash}}`,
          },
        },
      ]),
      report,
      NOW,
    );
    expect(user?.applicationPasswords).toEqual([
      {
        uuid: '39632911-f0f0-4743-a8f9-31f44cd0e946',
        appId: '',
        name: 'Desktop app',
        passwordHash: '$P$Beg7vQ/Zi9eb7dMQAYmgWltpOHEI140',
        created: 1796161856000,
        lastUsed: 1796161900000,
        lastIp: null,
      },
    ]);
    expect(report.skipped.map((s) => [s.item, s.code])).toEqual([
      ['ada: #2', 'application_password_malformed'],
      ['ada: 170de8bc-8034-46ed-b301-94ddaef37d86', 'application_password_malformed'],
    ]);
    // An account hash Latchkey does not accept (plain MD5) never verifies; the user is told.
    expect(user?.user.passwordHash).toBe(UNUSABLE_PASSWORD_HASH);
    expect(report.notes.join('\n')).toMatch(/ada: the password hash is in a format/);
  });

  it('marks the address verified for users of the email method', () => {
    const [eddie] = translateUsers(
      site([
        {
          id: 2,
          login: 'eddie',
          meta: {
            wp_capabilities: role('editor'),
            _two_factor_enabled_providers: 'a:1:{i:0;s:16:"Two_Factor_Email";}',
          },
        },
      ]),
      new ImportReport(),
      NOW,
    );
    expect(eddie?.emailVerified).toBe(true);
    expect(eddie?.twoFactor?.enabled).toEqual(['email']);
  });
});
