import type { Kysely } from 'kysely';
import type { Keys } from '../crypto/index.js';
import type { Mailer } from '../mail/index.js';
import type { Database } from '../store/index.js';

/**
 * What the second factor is given at start. Site URL, name and the email fallback are read per
 * call: an administrator may change them while the server runs.
 */
export interface TwoFactorDeps {
  db: Kysely<Database>;
  keys: Keys;
  mailer: Mailer;
  now(): number;
  siteUrl(): string;
  siteName(): Promise<string>;
  emailFallback(): Promise<boolean>;
  totpWindow?: number;
}
