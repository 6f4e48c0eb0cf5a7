import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { Credentials } from './authorize.js';
import { base64UrlToBytes, bytesToBase64Url, randomBytes } from './encoding.js';
import { LatchkeyClientError } from './errors.js';

/** Where sealed records live. Values are opaque strings; keys are the app's own ids. */
export interface VaultStorage {
  get(id: string): Promise<string | undefined>;
  set(id: string, value: string): Promise<void>;
  delete(id: string): Promise<void>;
}

/** Keeps records in memory (tests, short-lived processes, or as a cache in front of another store). */
export class MemoryStorage implements VaultStorage {
  readonly #records = new Map<string, string>();
  async get(id: string) {
    return this.#records.get(id);
  }
  async set(id: string, value: string) {
    this.#records.set(id, value);
  }
  async delete(id: string) {
    this.#records.delete(id);
  }
}

/** A record that does not open: another key, or altered bytes. */
export class VaultError extends LatchkeyClientError {
  constructor(message: string) {
    super('vault_error', message);
  }
}

const VERSION = 'lkv1';
const NONCE_BYTES = 24;

/**
 * Stores credentials encrypted with XChaCha20-Poly1305 (@noble/ciphers) under a 32-byte key the
 * app supplies (from its keychain, KMS or environment: never next to the records). Each record
 * gets a fresh random 192-bit nonce, and the record's id is authenticated with it, so a record
 * copied under another id does not open.
 *
 * @example
 * const vault = new CredentialVault({ key, storage: new MemoryStorage() });
 * await vault.save('example.com', credentials);
 * const again = await vault.load('example.com');
 */
export class CredentialVault {
  readonly #key: Uint8Array;
  readonly storage: VaultStorage;

  constructor(options: { key: Uint8Array; storage?: VaultStorage }) {
    if (!(options.key instanceof Uint8Array) || options.key.length !== 32)
      throw new TypeError('The vault key must be 32 bytes (a Uint8Array).');
    this.#key = Uint8Array.from(options.key);
    this.storage = options.storage ?? new MemoryStorage();
  }

  /** A fresh random key, for apps that keep it somewhere safe themselves. */
  static generateKey(): Uint8Array {
    return randomBytes(32);
  }

  async save(id: string, credentials: Credentials): Promise<void> {
    const nonce = randomBytes(NONCE_BYTES);
    const plaintext = new TextEncoder().encode(JSON.stringify(credentials));
    const sealed = xchacha20poly1305(this.#key, nonce, this.#aad(id)).encrypt(plaintext);
    await this.storage.set(id, `${VERSION}.${bytesToBase64Url(nonce)}.${bytesToBase64Url(sealed)}`);
  }

  /** The credentials stored under `id`, or undefined. @throws VaultError when the record does not open. */
  async load(id: string): Promise<Credentials | undefined> {
    const record = await this.storage.get(id);
    if (record === undefined) return undefined;
    const [version, nonceText, sealedText, extra] = record.split('.');
    if (version !== VERSION || !nonceText || !sealedText || extra !== undefined)
      throw new VaultError(`The record "${id}" is not a vault record.`);
    let plaintext: Uint8Array;
    try {
      const nonce = base64UrlToBytes(nonceText);
      if (nonce.length !== NONCE_BYTES) throw new Error('nonce length');
      plaintext = xchacha20poly1305(this.#key, nonce, this.#aad(id)).decrypt(
        base64UrlToBytes(sealedText),
      );
    } catch {
      throw new VaultError(
        `The record "${id}" does not open with this key (another key, or altered).`,
      );
    }
    const parsed = JSON.parse(new TextDecoder().decode(plaintext)) as Credentials;
    return parsed;
  }

  async remove(id: string): Promise<void> {
    await this.storage.delete(id);
  }

  #aad(id: string): Uint8Array {
    return new TextEncoder().encode(`${VERSION}:${id}`);
  }
}
