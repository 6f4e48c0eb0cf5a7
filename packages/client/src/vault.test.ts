import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Credentials } from './authorize.js';
import { FileStorage } from './fileStorage.js';
import { CredentialVault, MemoryStorage, VaultError } from './vault.js';

const CREDENTIALS: Credentials = {
  siteUrl: 'https://site.example',
  userLogin: 'admin',
  password: 'KWZ8t6WnEsNammTM6TBdjn7B',
  apiRoot: 'https://site.example/wp-json/',
};

describe('CredentialVault', () => {
  it('round-trips credentials, and keeps no plaintext in storage', async () => {
    const storage = new MemoryStorage();
    const vault = new CredentialVault({ key: CredentialVault.generateKey(), storage });
    await vault.save('site', CREDENTIALS);
    const record = (await storage.get('site'))!;
    expect(record).toMatch(/^lkv1\.[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]+$/);
    expect(record).not.toContain(CREDENTIALS.password);
    expect(record).not.toContain('admin');
    await expect(vault.load('site')).resolves.toEqual(CREDENTIALS);
    await expect(vault.load('other')).resolves.toBeUndefined();
    await vault.remove('site');
    await expect(vault.load('site')).resolves.toBeUndefined();
  });

  it('uses a fresh nonce each time', async () => {
    const storage = new MemoryStorage();
    const vault = new CredentialVault({ key: CredentialVault.generateKey(), storage });
    await vault.save('a', CREDENTIALS);
    const first = await storage.get('a');
    await vault.save('a', CREDENTIALS);
    expect(await storage.get('a')).not.toBe(first);
  });

  it('refuses another key, an altered record, and a record moved to another id', async () => {
    const storage = new MemoryStorage();
    const vault = new CredentialVault({ key: CredentialVault.generateKey(), storage });
    await vault.save('a', CREDENTIALS);
    const record = (await storage.get('a'))!;
    const stranger = new CredentialVault({ key: CredentialVault.generateKey(), storage });
    await expect(stranger.load('a')).rejects.toBeInstanceOf(VaultError);
    const last = record.at(-1) === 'A' ? 'B' : 'A';
    await storage.set('a', record.slice(0, -1) + last);
    await expect(vault.load('a')).rejects.toMatchObject({ code: 'vault_error' });
    await storage.set('b', record);
    await expect(vault.load('b')).rejects.toBeInstanceOf(VaultError);
    await storage.set('c', 'not a record');
    await expect(vault.load('c')).rejects.toBeInstanceOf(VaultError);
  });

  it('wants a 32-byte key', () => {
    expect(() => new CredentialVault({ key: new Uint8Array(16) })).toThrow(TypeError);
  });
});

describe('FileStorage', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'latchkey-vault-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps sealed records in a 0600 file that another process can open with the key', async () => {
    const file = path.join(dir, 'nested', 'vault.json');
    const key = CredentialVault.generateKey();
    const vault = new CredentialVault({ key, storage: new FileStorage(file) });
    await expect(vault.load('site')).resolves.toBeUndefined();
    await Promise.all([
      vault.save('site', CREDENTIALS),
      vault.save('other', { ...CREDENTIALS, userLogin: 'b' }),
    ]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(CREDENTIALS.password);
    expect(Object.keys(JSON.parse(text))).toEqual(['site', 'other']);
    const again = new CredentialVault({ key, storage: new FileStorage(file) });
    await expect(again.load('site')).resolves.toEqual(CREDENTIALS);
    await again.remove('other');
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')))).toEqual(['site']);
  });
});
