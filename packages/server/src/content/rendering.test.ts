import { describe, expect, it } from 'vitest';
import { autop, renderExcerpt } from './rendering.js';

describe('autop', () => {
  it('wraps plain text like WordPress (golden 18)', () => {
    expect(autop('golden capture')).toBe('<p>golden capture</p>\n');
    expect(autop('')).toBe('');
    expect(autop('  \n ')).toBe('');
  });

  it('makes paragraphs of blank-line separated text and <br /> of single breaks', () => {
    expect(autop('one\ntwo\n\nthree\r\n\r\nfour')).toBe(
      '<p>one<br />\ntwo</p>\n<p>three</p>\n<p>four</p>\n',
    );
  });

  it('leaves block markup and preformatted text alone', () => {
    expect(autop('<h2>Title</h2>\n\ntext')).toBe('<h2>Title</h2>\n<p>text</p>\n');
    expect(autop('<pre>a\n\nb</pre>')).toBe('<pre>a\n\nb</pre>\n');
    expect(autop('<!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph -->')).toContain(
      '<!-- wp:paragraph -->',
    );
  });
});

describe('renderExcerpt', () => {
  it('uses the excerpt when there is one, else the first 55 words of the content', () => {
    expect(renderExcerpt('Short one', 'ignored')).toBe('<p>Short one</p>\n');
    expect(renderExcerpt('', 'golden capture')).toBe('<p>golden capture</p>\n');
    expect(renderExcerpt('', '')).toBe('');
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ');
    const out = renderExcerpt('', `<p>${words}</p>`);
    expect(out).toBe(
      `<p>${Array.from({ length: 55 }, (_, i) => `w${i}`).join(' ')} [&hellip;]</p>\n`,
    );
  });

  it('takes text only from the content, escaped', () => {
    expect(renderExcerpt('', '<p>a <b>bold</b> &amp; <i>brave</i> &lt;move&gt;</p>')).toBe(
      '<p>a bold &amp; brave &lt;move&gt;</p>\n',
    );
  });
});
