import { describe, expect, it } from 'vitest';
import { sanitizeSlug, uniqueSlug } from './slugs.js';

describe('sanitizeSlug (WordPress sanitize_title_with_dashes)', () => {
  it('lower-cases, drops punctuation and joins words with dashes', () => {
    expect(sanitizeSlug('Created with an application password')).toBe(
      'created-with-an-application-password',
    );
    expect(sanitizeSlug('Hello world!')).toBe('hello-world');
    expect(sanitizeSlug('  --Spaces   and__under_scores-- ')).toBe('spaces-and__under_scores');
    expect(sanitizeSlug('<b>Bold</b> &amp; title')).toBe('bold-title');
  });

  it('removes accents and keeps other letters percent-encoded', () => {
    expect(sanitizeSlug('Café Déjà vu')).toBe('cafe-deja-vu');
    expect(sanitizeSlug('Straße')).toBe('strasse');
    expect(sanitizeSlug('中文')).toBe('%e4%b8%ad%e6%96%87');
  });

  it('never exceeds 200 characters nor cuts an escape in half', () => {
    expect(sanitizeSlug('a'.repeat(500))).toHaveLength(200);
    const long = sanitizeSlug('中'.repeat(100));
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long).toMatch(/^(%[0-9a-f]{2})+$/);
  });

  it('is empty for text without letters or digits', () => {
    expect(sanitizeSlug('!!! ???')).toBe('');
  });
});

describe('uniqueSlug', () => {
  it('adds -2, -3… until free', async () => {
    const taken = new Set(['post', 'post-2']);
    expect(await uniqueSlug('post', async (s) => taken.has(s))).toBe('post-3');
    expect(await uniqueSlug('fresh', async (s) => taken.has(s))).toBe('fresh');
  });
});
