import { describe, expect, it } from 'vitest';
import { safeRedirectTarget } from './redirect.js';

const site = 'https://auth.example';

describe('safeRedirectTarget', () => {
  it('keeps same-site paths and absolute URLs on the site origin', () => {
    expect(safeRedirectTarget('/account?x=1#y', site, '/f')).toBe('/account?x=1#y');
    expect(safeRedirectTarget('https://auth.example/admin/users', site, '/f')).toBe('/admin/users');
  });
  it.each([
    '//evil.example',
    '/\\evil.example',
    'https://evil.example/',
    'https://auth.example.evil.example/',
    'http://auth.example/',
    'javascript:alert(1)',
    'https://user@auth.example/',
    'https://auth.example//evil.example/path',
    '/\tx',
    '',
    42,
  ])('refuses %s', (candidate) => {
    expect(safeRedirectTarget(candidate, site, '/fallback')).toBe('/fallback');
  });
});

describe('safeRedirectTarget with registered service hosts (SPEC §11)', () => {
  const isService = (url: URL) => url.hostname === 'app.example';
  it('keeps an absolute URL on a service host whole', () => {
    expect(safeRedirectTarget('https://app.example/x?y=1', site, '/f', isService)).toBe(
      'https://app.example/x?y=1',
    );
  });
  it.each([
    'https://evil.example/',
    'https://user:pw@app.example/',
    'javascript://app.example/%0aalert(1)',
    'ftp://app.example/',
  ])('still refuses %s', (candidate) => {
    expect(safeRedirectTarget(candidate, site, '/f', isService)).toBe('/f');
  });
});
