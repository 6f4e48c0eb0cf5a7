import { hash, randomBytes } from 'node:crypto';
import type { User } from '../accounts/index.js';
import type { ApplicationPassword } from './records.js';

export interface CachedCredential {
  user: User;
  record: ApplicationPassword;
}

interface Entry extends CachedCredential {
  /** When the entry stops answering: the TTL, or the password's own expiry if sooner. */
  until: number;
}

export interface CredentialCacheOptions {
  /** How long a verified credential is answered from memory (a few seconds at most). */
  ttlMs?: number;
  /** Entries kept at most; the oldest go first. */
  maxEntries?: number;
}

export const CREDENTIAL_CACHE_TTL_MS = 5000;

/**
 * Verified application passwords, answered from memory for a few seconds so the hot path reads
 * no store. An entry is keyed by a keyed hash of the presented login and password under a key that
 * exists only in this process's memory: the password itself is never kept, and a heap dump
 * yields no value that could be checked against guesses offline without that key.
 *
 * Only successes are cached. Every change that could turn a good credential bad empties the
 * cache (see invalidation/): `forget` bumps the epoch, and a lookup that started before the
 * bump is not stored, so a verification racing a revocation never re-fills the cache with what
 * the revocation removed.
 */
export class CredentialCache {
  private readonly key = randomBytes(32).toString('hex');
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private currentEpoch = 0;

  constructor(options: CredentialCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? CREDENTIAL_CACHE_TTL_MS;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /**
   * The cache key of a presented (already normalised) login and password: SHA-256 over a
   * random per-process secret and the pair. (A prefix-keyed hash, four times cheaper than an
   * HMAC here; length extension is beside the point, as these keys never leave the process.)
   */
  keyOf(login: string, password: string): string {
    return hash('sha256', `${this.key}\0${login}\0${password}`, 'base64url');
  }

  get epoch(): number {
    return this.currentEpoch;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Counted for /metrics (latchkey_credential_cache_total). */
  readonly stats = { hits: 0, misses: 0, invalidations: 0 };

  get(key: string, now: number): CachedCredential | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.until <= now) {
      if (entry) this.entries.delete(key);
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    return entry;
  }

  /** Stores a verified credential, unless the cache was emptied since `epoch` was read. */
  set(key: string, value: CachedCredential, epoch: number, now: number): void {
    if (epoch !== this.currentEpoch || this.ttlMs <= 0) return;
    const expires = value.record.expires;
    const until = Math.min(now + this.ttlMs, expires ?? Number.POSITIVE_INFINITY);
    if (until <= now) return;
    this.entries.delete(key);
    this.entries.set(key, { ...value, until });
    if (this.entries.size > this.maxEntries)
      this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Drops one user's entries, or every entry. */
  forget(userId?: number): void {
    this.currentEpoch++;
    this.stats.invalidations++;
    if (userId === undefined) {
      this.entries.clear();
      return;
    }
    for (const [key, entry] of this.entries) if (entry.user.id === userId) this.entries.delete(key);
  }
}
