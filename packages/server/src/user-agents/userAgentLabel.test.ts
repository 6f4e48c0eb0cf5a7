import { describe, expect, it } from 'vitest';
import { userAgentLabel } from './userAgentLabel.js';

describe('userAgentLabel', () => {
  it('names the browser and the system of common browsers', () => {
    expect(
      userAgentLabel(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome on Linux');
    expect(
      userAgentLabel(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iOS');
    expect(
      userAgentLabel(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
      ),
    ).toBe('Firefox on Windows');
  });

  it('shows a program as it calls itself, a long name cut at a word', () => {
    expect(userAgentLabel('curl/8.5.0')).toBe('curl/8.5.0');
    expect(userAgentLabel('Browser A')).toBe('Browser A');
    expect(userAgentLabel('PhonePublisher/2.1 (build 4471; release channel stable)')).toBe(
      'PhonePublisher',
    );
    expect(userAgentLabel('x'.repeat(300))).toBe(`${'x'.repeat(40)}…`);
  });

  it('says so when there is none', () => {
    expect(userAgentLabel('')).toBe('Unknown browser');
    expect(userAgentLabel('   ')).toBe('Unknown browser');
  });
});
