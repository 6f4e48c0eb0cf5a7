import { describe, expect, it } from 'vitest';
import { appendQueryArgs, checkRedirectUrl } from './redirectUrl.js';

describe('checkRedirectUrl', () => {
  it.each([
    'https://app.example.com/cb',
    'https://app.example.com:8443/cb?state=a%20b#done',
    'myapp://callback',
    'com.example.app://oauth/cb?x=1',
    'http://127.0.0.1:5000/callback',
    'HTTP://127.0.0.1/callback',
    'http://[::1]:5000/callback',
  ])('accepts %s in production', (url) => {
    expect(checkRedirectUrl(url, 'production')).toBeUndefined();
  });

  it.each([
    ['javascript:alert(1)'],
    ['JavaScript://%0aalert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['data://text/html,x'],
    ['vbscript:msgbox(1)'],
    ['VBScript://x'],
    ['file:///etc/passwd'],
    ['file://server/share'],
    ['https://user@evil.example/cb'],
    ['https://user:pass@app.example.com/cb'],
    ['https://app.example.com@evil.example/'],
    ['/relative/path'],
    ['//evil.example/cb'],
    ['app.example.com/cb'],
    ['https:app.example.com'],
    ['https:\\\\evil.example'],
    ['https://'],
    ['https:///nohost'],
    ['HTTPS:///nohost/cb?x=1'],
    ['https://:443/cb'],
    ['myapp:///callback'],
    ['myapp:callback'],
    ['myapp://'],
    ['https://exa mple.com/'],
    ['https://app.example.com/\n'],
    [`https://app.example.com/${'a'.repeat(2000)}`],
  ])('refuses %s as "Invalid URL format."', (url) => {
    expect(checkRedirectUrl(url, 'local')).toBe('invalid_redirect_url_format');
    expect(checkRedirectUrl(url, 'production')).toBe('invalid_redirect_url_format');
  });

  it.each([
    'http://app.example.com/cb',
    'HTTP://app.example.com/cb',
    'hTTp://localhost:3000/cb',
    'http://127.0.0.2/cb',
  ])('refuses plain http to %s outside local, in any letter case', (url) => {
    expect(checkRedirectUrl(url, 'production')).toBe('invalid_redirect_scheme');
    expect(checkRedirectUrl(url, 'development')).toBe('invalid_redirect_scheme');
    expect(checkRedirectUrl(url, 'local')).toBeUndefined();
  });
});

describe('appendQueryArgs', () => {
  const args = [
    ['site_url', 'http://127.0.0.1:8081'],
    ['user_login', 'admin'],
  ] as const;
  it('starts a query, or continues one, as WordPress does (golden 48 and 49)', () => {
    expect(appendQueryArgs('http://app.example.com/cb', args)).toBe(
      'http://app.example.com/cb?site_url=http%3A%2F%2F127.0.0.1%3A8081&user_login=admin',
    );
    expect(appendQueryArgs('http://app.example.com/cb', [['success', 'false']])).toBe(
      'http://app.example.com/cb?success=false',
    );
    expect(appendQueryArgs('https://a.example/cb?state=x%20y', [['success', 'false']])).toBe(
      'https://a.example/cb?state=x%20y&success=false',
    );
    expect(appendQueryArgs('https://a.example/cb?', [['a', '1']])).toBe('https://a.example/cb?a=1');
  });
  it('keeps the fragment last', () => {
    expect(appendQueryArgs('myapp://cb?s=1#frag', [['code', 'abc']])).toBe(
      'myapp://cb?s=1&code=abc#frag',
    );
  });
});
