import { describe, expect, it } from 'vitest';
import { mailFromAddress } from './mailFromAddress.js';

describe('mailFromAddress', () => {
  it('uses the site host without port or path', () => {
    expect(mailFromAddress('https://auth.example.org:8443/sub')).toBe(
      'Latchkey <no-reply@auth.example.org>',
    );
    expect(mailFromAddress('http://localhost:8080')).toBe('Latchkey <no-reply@localhost>');
  });

  it('uses address literals for IP hosts', () => {
    expect(mailFromAddress('http://127.0.0.1:8080')).toBe('Latchkey <no-reply@[127.0.0.1]>');
    expect(mailFromAddress('http://[::1]:8080')).toBe('Latchkey <no-reply@[IPv6:::1]>');
  });
});
