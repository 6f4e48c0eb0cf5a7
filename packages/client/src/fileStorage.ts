import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { VaultStorage } from './vault.js';

/**
 * Keeps vault records in one JSON file (Node only: import it from `@latchkey/client/file-storage`
 * so browser bundles never see `node:fs`). Written whole to a temporary file and renamed, so a
 * crash never leaves half a file; created with mode 0600. The records are already encrypted:
 * the file protects nothing by itself, the vault key does.
 */
export class FileStorage implements VaultStorage {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  async get(id: string): Promise<string | undefined> {
    const records = await this.#read();
    return Object.hasOwn(records, id) ? records[id] : undefined;
  }

  set(id: string, value: string): Promise<void> {
    return this.#update((records) => {
      records[id] = value;
    });
  }

  delete(id: string): Promise<void> {
    return this.#update((records) => {
      delete records[id];
    });
  }

  async #read(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error(`${this.file} is not a vault file`);
    return Object.assign(Object.create(null) as Record<string, string>, parsed);
  }

  /** Read-modify-write, one at a time within this process. */
  #update(change: (records: Record<string, string>) => void): Promise<void> {
    const next = this.#queue.then(async () => {
      const records = await this.#read();
      change(records);
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const temporary = `${this.file}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(temporary, `${JSON.stringify(records, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, this.file);
    });
    this.#queue = next.catch(() => {});
    return next;
  }
}
