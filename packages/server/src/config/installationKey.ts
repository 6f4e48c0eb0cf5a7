import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './loadConfig.js';

const KEY_FILE = 'installation.key';

/**
 * The installation key signs CSRF tokens and keys the fast hashes of session tokens.
 * From LATCHKEY_SECRET when given (needed for several nodes), else generated once in the
 * data dir with mode 0600.
 */
export function loadInstallationKey(dataDir: string, secret: string | undefined): Buffer {
  if (secret !== undefined) return Buffer.from(secret, 'utf8');
  const file = path.join(dataDir, KEY_FILE);
  try {
    const text = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text))
      throw new ConfigError(`installation key ${file} is damaged: expected 64 hex characters`);
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0)
      throw new ConfigError(
        `installation key ${file} is readable by others (mode ${mode.toString(8)}); chmod 600 it`,
      );
    return Buffer.from(text, 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
