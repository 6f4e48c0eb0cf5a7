import { describe, expect, it } from 'vitest';
import {
  applicationPasswordCreated,
  plainMessage,
  type ApplicationPasswordCreatedMail,
} from './index.js';

const ZWSP = '\u200b';

const BASE: ApplicationPasswordCreatedMail = {
  siteName: 'Example Auth',
  siteUrl: 'https://auth.example.org',
  userLogin: 'alice',
  passwordName: 'Phone app',
  appId: '',
  ip: '203.0.113.9',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
  createdAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
  revokeUrl: 'https://auth.example.org/account/application-passwords#revoke',
};

/** The visible text of an HTML fragment: tags dropped, entities decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&');
}

describe('applicationPasswordCreated', () => {
  it('says what was created, when, from where, and how to revoke it', () => {
    const mail = applicationPasswordCreated(BASE);
    expect(mail.subject).toBe('[Example Auth] New application password created');
    for (const part of [mail.text, visibleText(mail.html)]) {
      expect(part).toContain('alice');
      expect(part).toContain('Phone app');
      expect(part).toContain('2026-01-02 03:04:05 UTC');
      expect(part).toContain('203.0.113.9');
      expect(part).toContain('Firefox');
      expect(part).toContain(BASE.revokeUrl);
      expect(part).not.toContain('Application ID');
    }
    expect(mail.html).toContain(
      '<a href="https://auth.example.org/account/application-passwords#revoke"',
    );
    expect(mail.text).toContain(`\n${BASE.revokeUrl}\n`);
  });

  it('shows the app id when there is one, and "unknown" for a missing IP or browser', () => {
    const appId = '2b1d3b7c-3a0e-4d6e-9b1f-6f4f1e2c8a11';
    const mail = applicationPasswordCreated({ ...BASE, appId, ip: null, userAgent: undefined });
    expect(mail.text).toMatch(new RegExp(`Application ID: +${appId}`));
    expect(mail.text).toMatch(/IP address: +unknown/);
    expect(mail.text).toMatch(/Browser: +unknown/);
  });

  it('escapes markup in the name in the HTML part and keeps it literal in the text part', () => {
    const passwordName = `<script>alert('x')</script><b onmouseover="steal()">bold</b> & co`;
    const mail = applicationPasswordCreated({ ...BASE, passwordName });
    expect(mail.html).not.toContain('<script');
    expect(mail.html).not.toContain('<b ');
    expect(mail.html).not.toContain('onmouseover="');
    expect(mail.html).toContain(
      '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;b onmouseover=&quot;steal()&quot;&gt;bold&lt;/b&gt; &amp; co',
    );
    expect(visibleText(mail.html)).toContain(passwordName);
    expect(mail.text).toContain(`Name:       ${passwordName}\n`);
  });

  it('shows a link or URL in the name as text that mail clients will not turn into a link', () => {
    const passwordName =
      '<a href="https://evil.example/revoke">Click to cancel</a> www.evil.example';
    const mail = applicationPasswordCreated({ ...BASE, passwordName });
    expect(mail.html).not.toContain('<a href="https://evil');
    expect(mail.html).toContain('&lt;a href=&quot;');
    for (const part of [mail.text, mail.html]) {
      expect(part).not.toContain('https://evil');
      expect(part).not.toContain('evil.example');
      expect(part).not.toContain('www.evil');
      expect(part).toContain(`https:${ZWSP}//evil.${ZWSP}example/revoke`);
    }
    // Only the zero-width spaces were added: the name still reads the same.
    expect(visibleText(mail.html).replaceAll(ZWSP, '')).toContain(passwordName);
    expect(mail.text.replaceAll(ZWSP, '')).toContain(passwordName);
    // Our own links are untouched.
    expect(mail.html.match(/<a /g)).toHaveLength(2);
  });

  it('keeps the user agent on one line, short, without bidi overrides or links', () => {
    const userAgent = `curl/8.0\r\nRevoke here: https://evil.example/\u202Eexe.txt ${'x'.repeat(1000)}`;
    const mail = applicationPasswordCreated({ ...BASE, userAgent });
    const line = mail.text.split('\n').find((l) => l.startsWith('Browser:'))!;
    expect(line).toContain(`curl/8.${ZWSP}0 Revoke here:${ZWSP} https:${ZWSP}//evil.`);
    expect(line).not.toContain('\u202E');
    expect(line.endsWith('…')).toBe(true);
    expect(line.length).toBeLessThan(350);
    expect(mail.text).not.toMatch(/^Revoke here/m);
  });

  it('escapes the site name and refuses URLs that are not http(s)', () => {
    const mail = applicationPasswordCreated({ ...BASE, siteName: 'A <i>B</i>' });
    expect(mail.html).toContain('A &lt;i&gt;B&lt;/i&gt;');
    expect(mail.html).not.toContain('<i>');
    expect(() => applicationPasswordCreated({ ...BASE, revokeUrl: 'javascript:alert(1)' })).toThrow(
      /revokeUrl must be an absolute http\(s\) URL/,
    );
    expect(() => applicationPasswordCreated({ ...BASE, siteUrl: '/relative' })).toThrow(/siteUrl/);
  });
});

describe('plainMessage', () => {
  it('keeps the text and escapes it into paragraphs for the HTML part', () => {
    const mail = plainMessage(
      'Your code',
      'Your code is <123456>.\nIt expires soon.\n\nBye & thanks',
    );
    expect(mail.subject).toBe('Your code');
    expect(mail.text).toBe('Your code is <123456>.\nIt expires soon.\n\nBye & thanks');
    expect(mail.html).toContain('<p>Your code is &lt;123456&gt;.<br>\nIt expires soon.</p>');
    expect(mail.html).toContain('<p>Bye &amp; thanks</p>');
    expect(mail.html).toContain('<title>Your code</title>');
  });
});
