import { describe, expect, it } from 'vitest';
import { freshStoreForEachTest, STORES } from '../../test/helpers/stores.js';
import { AuditBuffer } from './buffer.js';
import { listAuditEvents, recordAuditEvent, type AuditEventInput } from './events.js';

const T0 = Date.UTC(2030, 0, 2, 3, 4, 5);

describe.each(STORES)('audit events: recorded and listed, SPEC §6.4, §10 ($name)', (kind) => {
  const db = freshStoreForEachTest(kind);

  const event = (overrides: Partial<AuditEventInput> = {}): AuditEventInput => ({
    event: 'login.success',
    userId: 7,
    ip: '192.0.2.1',
    userAgent: 'test agent',
    ...overrides,
  });
  const list = (q: Partial<Parameters<typeof listAuditEvents>[1]> = {}) =>
    listAuditEvents(db(), { page: 1, perPage: 100, ...q });

  it('lists what was recorded, field by field, with the details as they were given', async () => {
    const details = {
      uuid: '0b3d6f0e-4a3c-4d8e-9b1a-6a0b8f6d2c11',
      count: 3,
      nested: { list: [1, 'two', null, { deep: true }], empty: {} },
      text: 'Grüße, 名前 & <b>"quotes"</b>',
    };
    await recordAuditEvent(
      db(),
      event({ event: 'app_password.created', credential: 'session:abc', details }),
      T0,
    );
    const { events, total } = await list();
    expect(total).toBe(1);
    expect(events).toEqual([
      {
        id: expect.any(Number),
        time: T0,
        event: 'app_password.created',
        userId: 7,
        ip: '192.0.2.1',
        userAgent: 'test agent',
        credential: 'session:abc',
        details,
      },
    ]);
  });

  it('stores no credential and empty details when none are given; keeps events without a user', async () => {
    await recordAuditEvent(db(), event({ userId: null, event: 'app_password.failure' }), T0);
    expect((await list()).events).toMatchObject([
      { userId: null, credential: null, details: {}, event: 'app_password.failure' },
    ]);
  });

  it('cuts an oversized address and user agent instead of failing the write', async () => {
    await recordAuditEvent(
      db(),
      event({ ip: `2001:db8:${'f'.repeat(100)}`, userAgent: 'A'.repeat(2000) }),
      T0,
    );
    const [stored] = (await list()).events;
    expect(stored!.ip).toHaveLength(64);
    expect(stored!.userAgent).toBe('A'.repeat(512));
  });

  it('lists newest first and pages through them, the total counting every page', async () => {
    for (let i = 0; i < 5; i++)
      await recordAuditEvent(db(), event({ details: { n: i } }), T0 + i * 1000);
    const page = async (n: number) => {
      const { events, total } = await list({ page: n, perPage: 2 });
      return { n: events.map((e) => e.details.n), total };
    };
    expect(await page(1)).toEqual({ n: [4, 3], total: 5 });
    expect(await page(2)).toEqual({ n: [2, 1], total: 5 });
    expect(await page(3)).toEqual({ n: [0], total: 5 });
    expect(await page(4)).toEqual({ n: [], total: 5 });
    const times = (await list()).events.map((e) => e.time);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('lists one user’s events only, or one credential’s, with totals of their own', async () => {
    await recordAuditEvent(db(), event({ userId: 1, credential: 'app_password:a' }), T0);
    await recordAuditEvent(db(), event({ userId: 2, credential: 'app_password:b' }), T0 + 1);
    await recordAuditEvent(db(), event({ userId: 1, credential: 'session:s' }), T0 + 2);
    await recordAuditEvent(db(), event({ userId: null, credential: 'basic' }), T0 + 3);

    const one = await list({ userId: 1 });
    expect(one.total).toBe(2);
    expect(one.events.map((e) => e.credential)).toEqual(['session:s', 'app_password:a']);
    expect((await list({ userId: 2 })).events.map((e) => e.userId)).toEqual([2]);
    expect(await list({ userId: 3 })).toEqual({ events: [], total: 0 });

    const credential = await list({ credential: 'app_password:a' });
    expect(credential.total).toBe(1);
    expect(credential.events[0]!.userId).toBe(1);
    expect((await list({ userId: 2, credential: 'app_password:a' })).total).toBe(0);

    // Unfiltered, everyone's, including events without a user.
    expect((await list()).total).toBe(4);
  });

  it('lists a row whose details were damaged, with empty details, rather than failing', async () => {
    for (const details of ['{not json', '"text"', 'null'])
      await db()
        .insertInto('audit_events')
        .values({
          time: T0,
          event: 'login.failure',
          user_id: 1,
          ip: '192.0.2.1',
          user_agent: '',
          credential: null,
          details,
        })
        .execute();
    const { events } = await list();
    expect(events.map((e) => e.details)).toEqual([{}, {}, {}]);
  });
});

describe.each(STORES)('audit events born on the hot path, SPEC §3.1, §10 ($name)', (kind) => {
  const db = freshStoreForEachTest(kind);

  it('a flood from more addresses than the cap is still counted, and written in a few statements', async () => {
    const buffer = new AuditBuffer();
    for (let i = 0; i < 10_050; i++)
      buffer.credentialFailure(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, 'flood', T0 + i);
    expect(await buffer.flush(db())).toBe(10_001);
    const { total } = await listAuditEvents(db(), { page: 1, perPage: 1 });
    expect(total).toBe(10_001);
    const rest = await db()
      .selectFrom('audit_events')
      .select(['ip', 'details'])
      .where('ip', '=', '')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(rest.details)).toMatchObject({ count: 50, other_addresses: true });
  });

  it('writes nothing until flushed, then one failure event per address with its count and span', async () => {
    const buffer = new AuditBuffer();
    buffer.credentialFailure('192.0.2.1', 'curl/8', T0);
    buffer.credentialFailure('192.0.2.1', 'other agent', T0 + 5000);
    buffer.credentialFailure('192.0.2.1', 'curl/8', T0 + 9000);
    buffer.credentialFailure('198.51.100.7', 'wget', T0 + 1000);
    buffer.add(
      { event: 'app_password.new_ip', userId: 4, ip: '203.0.113.5', userAgent: 'app' },
      T0 + 2000,
    );
    expect((await listAuditEvents(db(), { page: 1, perPage: 10 })).total).toBe(0);

    expect(await buffer.flush(db())).toBe(3);
    const { events } = await listAuditEvents(db(), { page: 1, perPage: 10 });
    const failures = events.filter((e) => e.event === 'app_password.failure');
    expect(
      failures.map(({ ip, time, userId, userAgent, credential, details }) => ({
        ip,
        time,
        userId,
        userAgent,
        credential,
        details,
      })),
    ).toEqual(
      expect.arrayContaining([
        {
          ip: '192.0.2.1',
          time: T0 + 9000,
          userId: null,
          userAgent: 'curl/8',
          credential: 'basic',
          details: {
            count: 3,
            first: new Date(T0).toISOString(),
            last: new Date(T0 + 9000).toISOString(),
          },
        },
        {
          ip: '198.51.100.7',
          time: T0 + 1000,
          userId: null,
          userAgent: 'wget',
          credential: 'basic',
          details: {
            count: 1,
            first: new Date(T0 + 1000).toISOString(),
            last: new Date(T0 + 1000).toISOString(),
          },
        },
      ]),
    );
    expect(failures).toHaveLength(2);
    expect(events.filter((e) => e.event === 'app_password.new_ip')).toMatchObject([
      { userId: 4, ip: '203.0.113.5', time: T0 + 2000 },
    ]);

    // Flushed is gone: a second flush writes nothing.
    expect(await buffer.flush(db())).toBe(0);
    expect((await listAuditEvents(db(), { page: 1, perPage: 10 })).total).toBe(3);
  });
});
