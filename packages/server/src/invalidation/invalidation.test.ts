import { Kysely, SqliteDialect, type RootOperationNode } from 'kysely';
import BetterSqlite3 from 'better-sqlite3';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CredentialCache } from '../app-passwords/index.js';
import type { Database } from '../store/index.js';
import { AcknowledgedBus, type Wire } from './acknowledged.js';
import { invalidatesCredentials } from './writeWatcher.js';

const db = new Kysely<Database>({
  dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }),
});
const node = (q: { toOperationNode(): unknown }) => q.toOperationNode() as RootOperationNode;

describe('which statements empty the credential cache', () => {
  it('every change to users, app_id blocks and settings; password changes but not last-used', () => {
    expect(invalidatesCredentials(node(db.updateTable('users').set({ role: 'author' })))).toBe(
      true,
    );
    expect(invalidatesCredentials(node(db.deleteFrom('users')))).toBe(true);
    expect(invalidatesCredentials(node(db.deleteFrom('application_passwords')))).toBe(true);
    expect(invalidatesCredentials(node(db.deleteFrom('app_id_blocks')))).toBe(true);
    expect(
      invalidatesCredentials(
        node(
          db
            .insertInto('app_id_blocks')
            .values({ app_id: 'x', reason: '', blocked_by: 1, created: 0 } as never),
        ),
      ),
    ).toBe(true);
    expect(
      invalidatesCredentials(node(db.insertInto('settings').values({ name: 'a', value: '1' }))),
    ).toBe(true);
    expect(
      invalidatesCredentials(node(db.updateTable('application_passwords').set({ name: 'x' }))),
    ).toBe(true);
    expect(
      invalidatesCredentials(
        node(db.updateTable('application_passwords').set({ last_used: 1, last_ip: '::1' })),
      ),
    ).toBe(false);
    expect(
      invalidatesCredentials(
        node(db.updateTable('application_passwords').set({ last_used: 1, expires: 5 })),
      ),
    ).toBe(true);
  });

  it('inserting a new user or password is harmless; reads and other tables are not watched', () => {
    expect(
      invalidatesCredentials(
        node(db.insertInto('application_passwords').values({ uuid: 'u' } as never)),
      ),
    ).toBe(false);
    expect(invalidatesCredentials(node(db.selectFrom('users').selectAll()))).toBe(false);
    expect(invalidatesCredentials(node(db.deleteFrom('sessions')))).toBe(false);
  });
});

describe('the verified-credential cache', () => {
  const entry = (id: number) =>
    ({ user: { id }, record: { expires: null } }) as unknown as Parameters<
      CredentialCache['set']
    >[1];

  it('a lookup that started before a change is not stored (no refill with what was revoked)', () => {
    const cache = new CredentialCache();
    const key = cache.keyOf('someone', 'password');
    const epoch = cache.epoch;
    cache.forget(7);
    cache.set(key, entry(7), epoch, 1000);
    expect(cache.get(key, 1000)).toBeUndefined();
    cache.set(key, entry(7), cache.epoch, 1000);
    expect(cache.get(key, 1000)).toBeDefined();
    expect(cache.get(key, 1000 + 5000)).toBeUndefined();
  });

  it('keys depend on the whole pair and never contain the password', () => {
    const cache = new CredentialCache();
    expect(cache.keyOf('a', 'bc')).not.toBe(cache.keyOf('ab', 'c'));
    expect(cache.keyOf('a', 'secretpassword')).not.toContain('secretpassword');
    expect(new CredentialCache().keyOf('a', 'b')).not.toBe(cache.keyOf('a', 'b'));
  });
});

describe('an announcement waits for every other node', () => {
  const quiet = pino({ level: 'silent' });
  /** Nodes joined by an in-memory wire: what the Redis and PostgreSQL transports provide. */
  function network(count: number, delayMs: number, deaf: Set<number> = new Set()) {
    const buses = Array.from({ length: count }, () => new AcknowledgedBus('redis', quiet));
    buses.forEach((bus) => {
      const wire: Wire = {
        transport: 'redis',
        async announce(text) {
          buses.forEach((other, i) => {
            if (other !== bus && !deaf.has(i)) setTimeout(() => other.received(text), delayMs);
          });
          return count - 1;
        },
        async acknowledge(to, id) {
          const target = buses.find((b) => b.nodeId === to);
          setTimeout(() => target?.acknowledged(id), delayMs);
        },
        async close() {},
      };
      bus.attach(wire);
    });
    return buses;
  }

  it('resolves only after every other node has applied the change', async () => {
    const buses = network(3, 15);
    const applied: number[] = [];
    buses.forEach((bus, i) => bus.subscribe(() => applied.push(i)));
    await buses[0]!.userChanged(5);
    expect(applied.sort()).toEqual([0, 1, 2]);
  });

  it('a node that never answers costs the timeout, not forever', async () => {
    const buses = network(2, 1, new Set([1]));
    const started = Date.now();
    await buses[0]!.everythingChanged();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
