import { describe, expect, it } from 'vitest';
import { ImportReport } from './report.js';
import type { WordpressPostRow, WordpressSite } from './source.js';
import { attachmentSourceUrl, translateContent } from './translateSite.js';

const NOW = 1_800_000_000_000;
const SITE = 'http://wp-import.example.test';

function attachment(
  guid: string,
  meta: Record<string, string> = {},
  options: Record<string, string> = {},
): WordpressSite {
  const row: WordpressPostRow = {
    id: 13,
    type: 'attachment',
    author: 3,
    date: '2024-05-10 07:55:00',
    dateGmt: '2024-05-10 05:55:00',
    modified: '2024-05-10 07:55:00',
    modifiedGmt: '2024-05-10 05:55:00',
    content: '',
    title: 'Latchkey logo',
    excerpt: '',
    status: 'inherit',
    commentStatus: 'open',
    pingStatus: 'closed',
    password: '',
    name: 'latchkey-logo',
    parent: 0,
    guid,
    menuOrder: 0,
    mimeType: 'image/png',
  };
  return {
    tablePrefix: 'wp_',
    options: new Map(Object.entries({ siteurl: SITE, ...options })),
    users: [],
    userMeta: new Map(),
    content: {
      terms: [],
      posts: [row],
      relationships: [],
      postMeta: new Map([[13, new Map(Object.entries(meta))]]),
    },
  };
}

const translate = (site: WordpressSite) => {
  const report = new ImportReport();
  const { attachments } = translateContent(site, report, NOW);
  return {
    urls: attachments.map((a) => a.media.sourceUrl),
    files: attachments.map((a) => a.media.file),
    report,
  };
};

describe('attachment source URLs (what /?attachment_id= redirects to)', () => {
  it('accepts absolute http and https URLs only, normalised', () => {
    expect(attachmentSourceUrl(`${SITE}/wp-content/uploads/2024/05/a.png`)).toBe(
      `${SITE}/wp-content/uploads/2024/05/a.png`,
    );
    expect(attachmentSourceUrl('HTTPS://CDN.Example.test/a b.png')).toBe(
      'https://cdn.example.test/a%20b.png',
    );
    for (const bad of [
      'javascript:alert(document.cookie)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'ftp://example.test/a.png',
      '//evil.example.test/a.png',
      '/wp-content/uploads/a.png',
      '?attachment_id=13',
      '',
      `${SITE}/${'a'.repeat(2048)}`,
    ])
      expect(attachmentSourceUrl(bad), bad).toBeUndefined();
  });

  it('a javascript: guid without a file is left out and reported, never imported', () => {
    const { urls, report } = translate(attachment('javascript:alert(document.cookie)'));
    expect(urls).toEqual([]);
    expect(report.skipped).toEqual([
      {
        kind: 'attachments',
        item: 'latchkey-logo',
        code: 'source_url_invalid',
        reason: expect.stringContaining('http or https'),
      },
    ]);
    // The skip does not repeat the URL.
    expect(JSON.stringify(report)).not.toContain('javascript');
  });

  it('a bad uploads URL falls back to an http(s) guid; both bad is a skip', () => {
    const file = { _wp_attached_file: '2024/05/latchkey-logo.png' };
    const guid = `${SITE}/wp-content/uploads/2024/05/latchkey-logo.png`;
    expect(translate(attachment(guid, file)).urls).toEqual([guid]);
    const badBase = { upload_url_path: 'javascript:alert(1)//' };
    expect(translate(attachment(guid, file, badBase)).urls).toEqual([guid]);
    const both = translate(attachment('javascript:alert(2)', file, badBase));
    expect(both.urls).toEqual([]);
    expect(both.report.skipped.map((s) => s.code)).toEqual(['source_url_invalid']);
    // A good uploads URL wins over a bad guid.
    expect(translate(attachment('javascript:alert(3)', file)).urls).toEqual([
      `${SITE}/wp-content/uploads/2024/05/latchkey-logo.png`,
    ]);
  });
});

describe('attachment file paths (joined to <data-dir>/uploads, removed when the record is deleted)', () => {
  const GUID = `${SITE}/wp-content/uploads/2024/05/latchkey-logo.png`;

  it('keeps a plain _wp_attached_file as it is', () => {
    const { files } = translate(
      attachment(GUID, { _wp_attached_file: '2024/05/latchkey-logo.png' }),
    );
    expect(files).toEqual(['2024/05/latchkey-logo.png']);
  });

  it('never takes a path that leaves the uploads folder, from the meta or the guid', () => {
    for (const attached of [
      '../../latchkey.db',
      '2024/../../../latchkey.db',
      '2024/./05/a.png',
      '2024//a.png',
      '..\\..\\latchkey.db',
      'C:/latchkey.db',
      '2024/05/a\u0000.png',
    ]) {
      const { files, urls } = translate(attachment(GUID, { _wp_attached_file: attached }));
      expect(files, attached).toEqual(['wordpress/13/latchkey-logo.png']);
      expect(urls, attached).toEqual([GUID]);
    }
    for (const guid of [`${SITE}/a/..%2F..%2F..%2Flatchkey.db`, `${SITE}/a/..`, `${SITE}/a/`])
      expect(translate(attachment(guid)).files, guid).toEqual(['wordpress/13/file']);
  });

  it('a guid with malformed percent-encoding does not stop the import', () => {
    const guid = `${SITE}/wp-content/uploads/%E0%A4%A.png`;
    const { files, urls } = translate(attachment(guid));
    expect(files).toEqual(['wordpress/13/%E0%A4%A.png']);
    expect(urls).toEqual([guid]);
  });
});
