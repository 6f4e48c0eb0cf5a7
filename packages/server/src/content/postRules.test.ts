import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type User } from '../accounts/index.js';
import { openStore, type Store } from '../store/index.js';
import { ContentError } from './errors.js';
import { checkPostWrite, cleanPostHtml, cleanPostTitle } from './postRules.js';
import { createPost, type Post } from './posts.js';

/** The one home of the post-writing rules (SPEC §9) that REST and XML-RPC both ask. */
describe('post rules', () => {
  let store: Store;
  let dataDir: string;
  let author: User;
  let editor: User;
  let page: Post;
  let child: Post;
  let post: Post;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'latchkey-rules-'));
    store = openStore({ databaseUrl: undefined, dataDir });
    await store.migrate();
    const user = (login: string, role: 'author' | 'editor') =>
      createUser(store.db, {
        login,
        email: `${login}@example.com`,
        role,
        password: `Pass-12-${[...login].reverse().join('')}`,
      });
    author = await user('rules-author', 'author');
    editor = await user('rules-editor', 'editor');
    const now = Date.now();
    page = await createPost(
      store.db,
      { type: 'page', authorId: editor.id, status: 'publish', title: 'Top' },
      now,
    );
    child = await createPost(
      store.db,
      { type: 'page', authorId: editor.id, status: 'publish', title: 'Child', parent: page.id },
      now,
    );
    post = await createPost(
      store.db,
      { type: 'post', authorId: author.id, status: 'draft', title: 'Guarded', password: 'secret' },
      now,
    );
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const refusal = async (run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      expect(error).toBeInstanceOf(ContentError);
      return (error as ContentError).code;
    }
    return 'accepted';
  };

  it('sanitises HTML for authors without unfiltered_html only', () => {
    const hostile = '<b>ok</b><script>alert(1)</script>';
    expect(cleanPostHtml(author, hostile)).not.toContain('<script');
    const admin = { ...editor, role: 'administrator' as const };
    expect(cleanPostHtml(admin, hostile)).toBe(hostile);
    expect(cleanPostTitle(author, '<script>x</script>Title')).not.toContain('<script');
  });

  it('needs an existing author, a parent page that is no descendant, an existing featured image', async () => {
    const db = store.db;
    expect(
      await refusal(() =>
        checkPostWrite(db, 'post', { title: 't', authorId: 999_999 }, undefined, editor),
      ),
    ).toBe('invalid_author');
    expect(
      await refusal(() =>
        checkPostWrite(db, 'post', { title: 't', authorId: author.id }, undefined, editor),
      ),
    ).toBe('accepted');
    expect(
      await refusal(() => checkPostWrite(db, 'page', { parent: child.id }, page, editor)),
    ).toBe('invalid_post_parent');
    expect(await refusal(() => checkPostWrite(db, 'page', { parent: page.id }, page, editor))).toBe(
      'invalid_post_parent',
    );
    expect(
      await refusal(() => checkPostWrite(db, 'page', { parent: post.id }, undefined, editor)),
    ).toBe('invalid_post_parent');
    expect(
      await refusal(() => checkPostWrite(db, 'page', { parent: page.id }, undefined, editor)),
    ).toBe('accepted');
    expect(
      await refusal(() =>
        checkPostWrite(db, 'post', { title: 't', featuredMedia: 424_242 }, undefined, editor),
      ),
    ).toBe('invalid_featured_media');
  });

  it('never lets a post be sticky and password protected, whichever change comes second', async () => {
    const db = store.db;
    const messageOf = async (changes: Parameters<typeof checkPostWrite>[2], existing?: Post) => {
      try {
        await checkPostWrite(db, 'post', { title: 't', ...changes }, existing, editor);
        return 'accepted';
      } catch (error) {
        return (error as ContentError).message;
      }
    };
    expect(await messageOf({ sticky: true, password: 'x' })).toBe(
      'A post can not be sticky and have a password.',
    );
    expect(await messageOf({ sticky: true }, post)).toBe(
      'A password protected post can not be set to sticky.',
    );
    expect(await messageOf({ password: 'x' }, { ...post, password: '', sticky: true })).toBe(
      'A sticky post can not be password protected.',
    );
    expect(await messageOf({ sticky: true, password: '' }, post)).toBe('accepted');
    // A post already both (as WordPress lets XML-RPC leave it) can still be edited otherwise.
    expect(await messageOf({ title: 'Retitled' }, { ...post, sticky: true })).toBe('accepted');
  });

  it('refuses a post, not a page, with no title, content or excerpt', async () => {
    const db = store.db;
    expect(await refusal(() => checkPostWrite(db, 'post', {}, undefined, author))).toBe(
      'empty_content',
    );
    // Emptying the only field left is refused too; keeping any one of them is enough.
    expect(await refusal(() => checkPostWrite(db, 'post', { title: '' }, post, author))).toBe(
      'empty_content',
    );
    expect(
      await refusal(() => checkPostWrite(db, 'post', { title: '', excerpt: 'x' }, post, author)),
    ).toBe('accepted');
    expect(await refusal(() => checkPostWrite(db, 'page', {}, undefined, editor))).toBe('accepted');
  });
});
