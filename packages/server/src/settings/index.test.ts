import { describe, expect, it } from 'vitest';
import { freshStoreForEachTest, STORES } from '../../test/helpers/stores.js';
import { DEFAULT_SETTINGS, readSettings, writeSettings } from './index.js';

describe.each(STORES)('site settings: read and written, SPEC §9 ($name)', (kind) => {
  const db = freshStoreForEachTest(kind);

  it('reads the defaults from an empty store', async () => {
    expect(await readSettings(db())).toEqual({
      title: 'Latchkey',
      description: 'Authentication for APIs',
      timezone: 'UTC',
      applicationPasswordsEnabled: true,
      applicationPasswordsDisabledRoles: [],
      emailFallback: true,
      requiredTwoFactorRoles: [],
      xmlrpcEnabled: true,
      xmlrpcAccountPasswords: true,
      usersCanRegister: false,
      defaultRole: 'subscriber',
    });
  });

  it('never hands out the defaults’ own lists, so a caller cannot change them for everyone', async () => {
    const settings = await readSettings(db());
    settings.requiredTwoFactorRoles.push('administrator');
    settings.applicationPasswordsDisabledRoles.push('subscriber');
    expect(DEFAULT_SETTINGS.requiredTwoFactorRoles).toEqual([]);
    expect(DEFAULT_SETTINGS.applicationPasswordsDisabledRoles).toEqual([]);
  });

  it('reads back what was written at once, though the previous read is cached', async () => {
    expect((await readSettings(db())).title).toBe('Latchkey');
    await writeSettings(db(), { title: 'Docs site', requiredTwoFactorRoles: ['editor'] });
    expect(await readSettings(db())).toMatchObject({
      title: 'Docs site',
      requiredTwoFactorRoles: ['editor'],
      description: DEFAULT_SETTINGS.description,
    });
    await writeSettings(db(), { title: 'Renamed', emailFallback: false });
    expect(await readSettings(db())).toMatchObject({
      title: 'Renamed',
      emailFallback: false,
      requiredTwoFactorRoles: ['editor'],
    });
  });

  it('writes only known settings with a value', async () => {
    await writeSettings(db(), {
      title: 'Kept',
      description: undefined,
      ...({ not_a_setting: 'x' } as object),
    });
    const rows = await db().selectFrom('settings').selectAll().orderBy('name').execute();
    expect(rows).toEqual([{ name: 'title', value: '"Kept"' }]);
  });

  it('falls back to the default for a stored value of the wrong type, damaged or unknown', async () => {
    const rows = [
      { name: 'title', value: '42' },
      { name: 'description', value: '"Still read"' },
      { name: 'emailFallback', value: '{not json' },
      { name: 'requiredTwoFactorRoles', value: '"administrator"' },
      { name: 'applicationPasswordsDisabledRoles', value: '["contributor"]' },
      { name: 'xmlrpcEnabled', value: '"false"' },
      { name: 'somethingElse', value: '"ignored"' },
    ];
    await db().insertInto('settings').values(rows).execute();
    const settings = await readSettings(db());
    expect(settings).toEqual({
      ...DEFAULT_SETTINGS,
      description: 'Still read',
      applicationPasswordsDisabledRoles: ['contributor'],
    });
    expect(settings).not.toHaveProperty('somethingElse');
  });
});
