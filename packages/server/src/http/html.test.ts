import { describe, expect, it } from 'vitest';
import { html, raw } from './html.js';

describe('html', () => {
  it('escapes every interpolation unless it is Html', () => {
    const name = `<script>alert("x")</script>' \``;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &#96;</p>',
    );
    expect(html`<div>${html`<b>${'&'}</b>`}${raw('<i>ok</i>')}</div>`.value).toBe(
      '<div><b>&amp;</b><i>ok</i></div>',
    );
    expect(html`${[1, '<', null, undefined, false]}`.value).toBe('1&lt;');
  });
});
