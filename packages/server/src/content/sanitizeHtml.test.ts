import { describe, expect, it } from 'vitest';
import { htmlToText, sanitizePostHtml, sanitizeTitleHtml } from './sanitizeHtml.js';

describe('sanitizePostHtml', () => {
  it('removes scripts, event handlers and javascript: URLs', () => {
    const out = sanitizePostHtml(
      '<p onclick="steal()">Hi<script>alert(1)</script><img src="x.png" onerror="alert(1)"></p><a href="javascript:alert(1)">x</a><a href=" JaVaScRiPt:alert(1)">y</a>',
    );
    expect(out).toBe('<p>Hi<img src="x.png" /></p><a>x</a><a>y</a>');
  });

  it('keeps the markup authors write', () => {
    const markup =
      '<h2 id="a">T</h2><p class="x"><strong>b</strong> <em>i</em> <a href="https://example.com/" title="t">l</a></p><ul><li>1</li></ul><blockquote cite="https://e.com">q</blockquote><figure><img src="/wp-content/uploads/a.png" alt="a" width="10" height="10" /><figcaption>c</figcaption></figure><table><tbody><tr><td colspan="2">c</td></tr></tbody></table>';
    expect(sanitizePostHtml(markup)).toBe(markup);
  });

  it('drops frames, forms, styles sheets, svg and data: images', () => {
    expect(
      sanitizePostHtml(
        '<iframe src="https://x"></iframe><form><input></form><style>p{}</style><svg onload="x"><script>1</script></svg><img src="data:image/png;base64,AA">ok',
      ),
    ).toBe('<img />ok');
  });

  it('keeps only harmless inline styles and protects new windows', () => {
    expect(sanitizePostHtml('<p style="text-align:center;position:fixed">x</p>')).toBe(
      '<p style="text-align:center">x</p>',
    );
    expect(sanitizePostHtml('<a href="https://e.com" target="_blank">x</a>')).toBe(
      '<a href="https://e.com" target="_blank" rel="noopener">x</a>',
    );
  });
});

describe('sanitizeTitleHtml', () => {
  it('keeps inline markup only', () => {
    expect(sanitizeTitleHtml('<em>Hi</em> <h1>there</h1><img src=x onerror=alert(1)>')).toBe(
      '<em>Hi</em> there',
    );
  });
});

describe('htmlToText', () => {
  it('strips tags and decodes entities', () => {
    expect(htmlToText('<b>A</b> &amp; B &lt;c&gt; &hellip;<script>x</script>')).toBe('A & B <c> …');
  });
});
