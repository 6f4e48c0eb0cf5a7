import { describe, expect, it } from 'vitest';
import { admits } from './admission.js';
import { matchService } from './match.js';
import { parseNewService } from './service.js';
import { parseServicesLimit } from './servicesLimit.js';

const svc = (slug: string, hosts: string[], extra: Record<string, unknown> = {}) => ({
  ...parseNewService({ slug, name: slug, hosts, ...extra }),
  created: 0,
});

describe('matchService', () => {
  const services = [
    svc('root', ['app.example']),
    svc('api', ['app.example/api']),
    svc('port', ['app.example:8443']),
  ];
  it.each([
    ['app.example', '/', 'root'],
    ['APP.example', '/apix', 'root'],
    ['app.example', '/api', 'api'],
    ['app.example', '/api/v1', 'api'],
    ['app.example', '/api/../x', 'root'],
    ['app.example:8443', '/api/v1', 'api'],
    ['app.example:8443', '/', 'port'],
    ['app.example:9000', '/', 'root'],
    ['evil.example', '/', undefined],
    ['app.example.evil', '/', undefined],
  ])('%s%s → %s', (host, path, slug) => {
    expect(matchService(services, { host, path })?.slug).toBe(slug);
  });
});

describe('parseServicesLimit (limits never widen)', () => {
  const registered = ['a', 'b', 'c'];
  it('keeps, inherits, narrows, refuses', () => {
    expect(parseServicesLimit('b,a', registered)).toEqual(['a', 'b']);
    expect(parseServicesLimit([], registered, ['b'])).toEqual(['b']);
    expect(parseServicesLimit(['b'], registered, ['a', 'b'])).toEqual(['b']);
    expect(() => parseServicesLimit(['c'], registered, ['a'])).toThrow();
    expect(() => parseServicesLimit(['zz'], registered)).toThrow();
    expect(() => parseServicesLimit(5, registered)).toThrow();
  });
});

describe('admits', () => {
  const user = { id: 1, role: 'author' } as never;
  const record = (services: string[], scope: 'full' | 'content' = 'full') =>
    ({ services, scope }) as never;
  it('checks roles, capability, the limit, the scope and the second factor', () => {
    expect(
      admits(svc('s', ['x.example'], { roles: ['editor'] }), {
        via: 'app_password',
        user,
        record: record([]),
      }),
    ).toEqual({ ok: false, reason: 'role' });
    expect(
      admits(svc('s', ['x.example'], { capability: 'edit_others_posts' }), {
        via: 'app_password',
        user,
        record: record([]),
      }),
    ).toEqual({ ok: false, reason: 'capability' });
    expect(
      admits(svc('s', ['x.example'], { capability: 'upload_files' }), {
        via: 'app_password',
        user,
        record: record([]),
      }).ok,
    ).toBe(true);
    expect(
      admits(svc('s', ['x.example']), { via: 'app_password', user, record: record(['t']) }),
    ).toEqual({ ok: false, reason: 'service_limit' });
    expect(
      admits(svc('s', ['x.example']), { via: 'app_password', user, record: record([], 'content') }),
    ).toEqual({ ok: false, reason: 'scope' });
    expect(
      admits(svc('s', ['x.example'], { two_factor: 'required' }), {
        via: 'session',
        user,
        usesTwoFactor: false,
      }),
    ).toEqual({ ok: false, reason: 'two_factor' });
    expect(
      admits(svc('s', ['x.example'], { two_factor: 'required' }), {
        via: 'session',
        user,
        usesTwoFactor: true,
      }).ok,
    ).toBe(true);
  });
});
