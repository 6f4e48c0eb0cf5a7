import { beforeEach, describe, expect, it } from 'vitest';
import { freshStoreForEachTest, STORES } from '../../test/helpers/stores.js';
import { createUser, type User } from '../accounts/index.js';
import { listAuditEvents } from '../audit/index.js';
import {
  applySettingsChange,
  DESCRIPTION_MAX_LENGTH,
  TITLE_MAX_LENGTH,
  validateSettingsChange,
  type SettingName,
} from './applySettingsChange.js';
import { readSettings } from './index.js';

/** The refusal validateSettingsChange throws: its code and the reason per setting. */
function refusal(input: Partial<Record<SettingName, unknown>>) {
  try {
    validateSettingsChange(input);
  } catch (error) {
    const { code, params } = error as { code: string; params: Record<string, string> };
    return { code, params };
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('validateSettingsChange: the rules of each setting, SPEC §9, §6.4', () => {
  it('maps public names to stored ones, trims text, and leaves absent settings alone', () => {
    expect(
      validateSettingsChange({
        title: '  My site  ',
        description: '',
        timezone: 'Europe/Paris',
        latchkey_email_fallback: false,
        latchkey_application_passwords: true,
        latchkey_xmlrpc: false,
        latchkey_xmlrpc_account_passwords: true,
      }).changes,
    ).toEqual({
      title: 'My site',
      description: '',
      timezone: 'Europe/Paris',
      emailFallback: false,
      applicationPasswordsEnabled: true,
      xmlrpcEnabled: false,
      xmlrpcAccountPasswords: true,
    });
    expect(validateSettingsChange({}).changes).toEqual({});
    expect(validateSettingsChange({ timezone: 'UTC' }).changes).toEqual({ timezone: 'UTC' });
  });

  it('title: a string, not empty after trimming, no control characters, at most 200 characters', () => {
    expect(refusal({ title: 5 }).params).toEqual({ title: 'title is not of type string.' });
    expect(refusal({ title: '   ' }).params).toEqual({ title: 'title must not be empty.' });
    expect(refusal({ title: 'a\u0007b' }).params.title).toContain('control characters');
    expect(refusal({ title: 'two\nlines' }).params.title).toContain('control characters');
    // Characters, not UTF-16 units: 200 emoji fit.
    expect(validateSettingsChange({ title: '🔑'.repeat(TITLE_MAX_LENGTH) }).changes.title).toBe(
      '🔑'.repeat(TITLE_MAX_LENGTH),
    );
    expect(refusal({ title: 'x'.repeat(TITLE_MAX_LENGTH + 1) }).params.title).toBe(
      `title must be at most ${TITLE_MAX_LENGTH} characters long.`,
    );
  });

  it('description: may be empty, at most 500 characters', () => {
    expect(validateSettingsChange({ description: '  ' }).changes).toEqual({ description: '' });
    expect(
      validateSettingsChange({ description: 'd'.repeat(DESCRIPTION_MAX_LENGTH) }).changes,
    ).toEqual({ description: 'd'.repeat(DESCRIPTION_MAX_LENGTH) });
    expect(refusal({ description: 'd'.repeat(DESCRIPTION_MAX_LENGTH + 1) }).params).toHaveProperty(
      'description',
    );
  });

  it('timezone: a time zone this runtime knows, or UTC', () => {
    expect(validateSettingsChange({ timezone: 'Asia/Tokyo' }).changes).toEqual({
      timezone: 'Asia/Tokyo',
    });
    // The current IANA names, which this runtime lists under their older aliases.
    for (const zone of ['Asia/Kolkata', 'Europe/Kyiv', 'America/Argentina/Buenos_Aires'])
      expect(validateSettingsChange({ timezone: zone }).changes, zone).toEqual({ timezone: zone });
    for (const bad of ['Mars/Olympus_Mons', 'europe/paris ', 'europe/paris', '+02:00', ''])
      expect(refusal({ timezone: bad }).params.timezone, bad).toContain('not a known time zone');
    expect(refusal({ timezone: 0 }).params.timezone).toBe('timezone is not of type string.');
  });

  it('switches: booleans only, never strings or numbers that look like them', () => {
    for (const name of [
      'latchkey_email_fallback',
      'latchkey_application_passwords',
      'latchkey_xmlrpc',
      'latchkey_xmlrpc_account_passwords',
    ] as const)
      for (const bad of ['true', 'false', 1, 0, null])
        expect(refusal({ [name]: bad }).params[name], `${name}: ${String(bad)}`).toBe(
          `${name} is not of type boolean.`,
        );
  });

  it('role lists: known roles only; stored once each, highest first, however they were sent', () => {
    expect(
      validateSettingsChange({
        latchkey_required_two_factor_roles: ['author', 'administrator', 'author', 'editor'],
        latchkey_application_passwords_disabled_roles: [],
      }).changes,
    ).toEqual({
      requiredTwoFactorRoles: ['administrator', 'editor', 'author'],
      applicationPasswordsDisabledRoles: [],
    });
    expect(refusal({ latchkey_required_two_factor_roles: 'editor' }).params).toEqual({
      latchkey_required_two_factor_roles:
        'latchkey_required_two_factor_roles is not of type array.',
    });
    expect(
      refusal({ latchkey_application_passwords_disabled_roles: ['editor', 'Editor'] }).params,
    ).toEqual({
      latchkey_application_passwords_disabled_roles:
        'latchkey_application_passwords_disabled_roles[1] is not one of administrator, editor, author, contributor, subscriber.',
    });
  });

  it('reports every bad setting at once, as rest_invalid_param, and accepts none of the good ones', () => {
    const { code, params } = refusal({
      title: '',
      timezone: 'Nowhere/Special',
      latchkey_xmlrpc: 'yes',
      description: 'fine',
    });
    expect(code).toBe('rest_invalid_param');
    expect(Object.keys(params).sort()).toEqual(['latchkey_xmlrpc', 'timezone', 'title']);
    let message = '';
    try {
      validateSettingsChange({ title: '', latchkey_xmlrpc: 'yes' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('Invalid parameter(s): title, latchkey_xmlrpc');
  });
});

describe.each(STORES)('applySettingsChange, SPEC §6.2, §6.4, §10 ($name)', (kind) => {
  const db = freshStoreForEachTest(kind);
  let admin: User;
  const NOW = Date.UTC(2030, 5, 1);
  beforeEach(async () => {
    admin = await createUser(
      db(),
      {
        login: 'siteadmin',
        email: 'siteadmin@example.com',
        password: 'nimdaetis-Pass-1234',
        role: 'administrator',
      },
      NOW,
    );
  });

  const change = (input: Partial<Record<SettingName, unknown>>, { hasSecondFactor = false } = {}) =>
    applySettingsChange({
      db: db(),
      invalidation: { everythingChanged: async () => {} },
      actor: admin,
      actorUsesTwoFactor: async () => hasSecondFactor,
      input,
      audit: { ip: '192.0.2.4', userAgent: 'settings test', credential: 'session:s1' },
      now: NOW,
    });
  const audits = async () =>
    (await listAuditEvents(db(), { page: 1, perPage: 100 })).events.filter(
      (e) => e.event === 'settings.changed',
    );

  it('writes what changed and audits it once, naming each change with its old and new value', async () => {
    const result = await change({
      title: 'New title',
      timezone: 'UTC',
      latchkey_required_two_factor_roles: ['editor'],
    });
    // The time zone was UTC already: not a change.
    expect(result.changed).toEqual(['title', 'latchkey_required_two_factor_roles']);
    expect(result.settings).toMatchObject({
      title: 'New title',
      timezone: 'UTC',
      latchkey_required_two_factor_roles: ['editor'],
    });
    expect(await readSettings(db())).toMatchObject({
      title: 'New title',
      requiredTwoFactorRoles: ['editor'],
    });
    expect(await audits()).toEqual([
      {
        id: expect.any(Number),
        time: NOW,
        event: 'settings.changed',
        userId: admin.id,
        ip: '192.0.2.4',
        userAgent: 'settings test',
        credential: 'session:s1',
        details: {
          by: admin.id,
          changed: ['title', 'latchkey_required_two_factor_roles'],
          old: { title: 'Latchkey', latchkey_required_two_factor_roles: [] },
          new: { title: 'New title', latchkey_required_two_factor_roles: ['editor'] },
        },
      },
    ]);
  });

  it('writes and audits nothing when no value changes', async () => {
    const result = await change({ title: 'Latchkey', latchkey_email_fallback: true });
    expect(result.changed).toEqual([]);
    expect(result.settings.title).toBe('Latchkey');
    expect(await db().selectFrom('settings').selectAll().execute()).toEqual([]);
    expect(await audits()).toEqual([]);
  });

  it('writes and audits nothing when any value is refused', async () => {
    await expect(change({ title: 'Fine', timezone: 'Nowhere/Special' })).rejects.toMatchObject({
      code: 'rest_invalid_param',
      params: { timezone: expect.any(String) },
    });
    expect((await readSettings(db())).title).toBe('Latchkey');
    expect(await audits()).toEqual([]);
  });

  it('will not require two-factor of administrators while the acting one has no second factor', async () => {
    await expect(
      change({ latchkey_required_two_factor_roles: ['administrator', 'editor'] }),
    ).rejects.toMatchObject({
      code: 'latchkey_requires_own_second_factor',
      params: { latchkey_required_two_factor_roles: expect.any(String) },
    });
    expect((await readSettings(db())).requiredTwoFactorRoles).toEqual([]);
    expect(await audits()).toEqual([]);

    // Other roles need nothing of the acting administrator.
    expect((await change({ latchkey_required_two_factor_roles: ['editor'] })).changed).toEqual([
      'latchkey_required_two_factor_roles',
    ]);
    // With a second factor of their own, administrators may be included.
    await change(
      { latchkey_required_two_factor_roles: ['administrator', 'editor'] },
      { hasSecondFactor: true },
    );
    expect((await readSettings(db())).requiredTwoFactorRoles).toEqual(['administrator', 'editor']);
    // Once they are required, keeping them so is no new demand: other changes go through.
    expect(
      (await change({ latchkey_required_two_factor_roles: ['administrator', 'author'] })).changed,
    ).toEqual(['latchkey_required_two_factor_roles']);
    expect((await readSettings(db())).requiredTwoFactorRoles).toEqual(['administrator', 'author']);
  });
});
