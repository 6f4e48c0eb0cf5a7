import { describe, expect, it } from 'vitest';
import { can, mapMetaCapability, postTypeCapability, type Actor } from './capabilities.js';

const actor = (id: number, role: Actor['role'], disabled = false): Actor => ({
  id,
  role,
  disabled,
});

describe('capabilities', () => {
  it('gives roles their WordPress primitives', () => {
    expect(can(actor(1, 'administrator'), 'manage_options')).toBe(true);
    expect(can(actor(1, 'editor'), 'manage_options')).toBe(false);
    expect(can(actor(1, 'editor'), 'edit_others_posts')).toBe(true);
    expect(can(actor(1, 'author'), 'publish_posts')).toBe(true);
    expect(can(actor(1, 'contributor'), 'publish_posts')).toBe(false);
    expect(can(actor(1, 'subscriber'), 'read')).toBe(true);
    expect(can(actor(1, 'subscriber'), 'edit_posts')).toBe(false);
  });

  it('a disabled account can do nothing', () => {
    expect(can(actor(1, 'administrator', true), 'read')).toBe(false);
    expect(
      can(actor(1, 'administrator', true), {
        capability: 'edit_user',
        user: { id: 1, role: 'administrator' },
      }),
    ).toBe(false);
  });

  it('edit_user: self always, others need edit_users, administrators only by administrators', () => {
    expect(
      can(actor(5, 'subscriber'), { capability: 'edit_user', user: { id: 5, role: 'subscriber' } }),
    ).toBe(true);
    expect(
      can(actor(5, 'editor'), { capability: 'edit_user', user: { id: 6, role: 'author' } }),
    ).toBe(false);
    expect(
      can(actor(1, 'administrator'), { capability: 'edit_user', user: { id: 6, role: 'author' } }),
    ).toBe(true);
    expect(
      mapMetaCapability(actor(5, 'editor'), {
        capability: 'edit_user',
        user: { id: 1, role: 'administrator' },
      }),
    ).toEqual(['do_not_allow']);
  });

  it('application-password capabilities map to edit_user on the owner', () => {
    for (const capability of [
      'create_app_password',
      'list_app_passwords',
      'read_app_password',
      'edit_app_password',
      'delete_app_password',
      'delete_app_passwords',
    ] as const) {
      expect(can(actor(3, 'editor'), { capability, user: { id: 1, role: 'administrator' } })).toBe(
        false,
      );
      expect(can(actor(3, 'subscriber'), { capability, user: { id: 3, role: 'subscriber' } })).toBe(
        true,
      );
      expect(can(actor(1, 'administrator'), { capability, user: { id: 3, role: 'editor' } })).toBe(
        true,
      );
    }
  });

  it('post meta capabilities follow author and status', () => {
    const own = { authorId: 7, status: 'draft', type: 'post' as const };
    const othersPublished = { authorId: 8, status: 'publish', type: 'post' as const };
    expect(can(actor(7, 'contributor'), { capability: 'edit_post', post: own })).toBe(true);
    expect(
      can(actor(7, 'contributor'), {
        capability: 'edit_post',
        post: { ...own, status: 'publish' },
      }),
    ).toBe(false);
    expect(can(actor(7, 'author'), { capability: 'edit_post', post: othersPublished })).toBe(false);
    expect(can(actor(7, 'editor'), { capability: 'edit_post', post: othersPublished })).toBe(true);
    expect(
      can(actor(7, 'author'), { capability: 'publish_post', post: { ...own, type: 'page' } }),
    ).toBe(false);
    expect(
      can(actor(7, 'subscriber'), {
        capability: 'read_post',
        post: { ...othersPublished, status: 'private' },
      }),
    ).toBe(false);
  });

  it('own private posts need no private capability; trashed ones are judged by their old status', () => {
    const ownPrivate = { authorId: 7, status: 'private', type: 'post' as const };
    expect(can(actor(7, 'author'), { capability: 'edit_post', post: ownPrivate })).toBe(true);
    expect(can(actor(8, 'author'), { capability: 'edit_post', post: ownPrivate })).toBe(false);
    expect(can(actor(8, 'editor'), { capability: 'edit_post', post: ownPrivate })).toBe(true);
    const trashedPublished = {
      authorId: 7,
      status: 'trash',
      type: 'post' as const,
      trashedFrom: 'publish',
    };
    expect(
      mapMetaCapability(actor(7, 'contributor'), {
        capability: 'delete_post',
        post: trashedPublished,
      }),
    ).toEqual(['delete_published_posts']);
    expect(
      can(actor(7, 'contributor'), {
        capability: 'delete_post',
        post: { ...trashedPublished, trashedFrom: 'draft' },
      }),
    ).toBe(true);
  });

  it('scheduled posts count as published for editing', () => {
    const scheduled = { authorId: 7, status: 'future', type: 'post' as const };
    expect(can(actor(7, 'contributor'), { capability: 'edit_post', post: scheduled })).toBe(false);
    expect(can(actor(7, 'author'), { capability: 'edit_post', post: scheduled })).toBe(true);
    expect(can(actor(8, 'author'), { capability: 'edit_post', post: scheduled })).toBe(false);
  });

  it('pages use the page capabilities: only editors and administrators', () => {
    const page = { authorId: 7, status: 'draft', type: 'page' as const };
    expect(can(actor(7, 'author'), { capability: 'edit_post', post: page })).toBe(false);
    expect(can(actor(8, 'editor'), { capability: 'edit_post', post: page })).toBe(true);
    expect(
      can(actor(8, 'editor'), { capability: 'delete_post', post: { ...page, status: 'publish' } }),
    ).toBe(true);
    expect(can(actor(7, 'author'), postTypeCapability('page', 'create_posts'))).toBe(false);
    expect(can(actor(7, 'editor'), postTypeCapability('page', 'create_posts'))).toBe(true);
  });

  it('maps generic post capabilities per type', () => {
    expect(postTypeCapability('post', 'create_posts')).toBe('edit_posts');
    expect(postTypeCapability('page', 'create_posts')).toBe('edit_pages');
    expect(postTypeCapability('page', 'edit_others_posts')).toBe('edit_others_pages');
    expect(postTypeCapability('page', 'read_private_posts')).toBe('read_private_pages');
    expect(postTypeCapability('attachment', 'create_posts')).toBe('upload_files');
    expect(postTypeCapability('attachment', 'edit_others_posts')).toBe('edit_others_posts');
    expect(can(actor(1, 'contributor'), postTypeCapability('attachment', 'create_posts'))).toBe(
      false,
    );
    expect(can(actor(1, 'author'), postTypeCapability('attachment', 'create_posts'))).toBe(true);
  });

  it('attachments: own need edit_posts, others edit_others_posts', () => {
    const media = { authorId: 7, status: 'inherit', type: 'attachment' as const };
    expect(can(actor(7, 'author'), { capability: 'edit_post', post: media })).toBe(true);
    expect(can(actor(8, 'author'), { capability: 'delete_post', post: media })).toBe(false);
    expect(can(actor(8, 'editor'), { capability: 'delete_post', post: media })).toBe(true);
  });

  it('terms: managing needs manage_categories, assigning edit_posts, the default category stays', () => {
    const category = { taxonomy: 'category' as const, isDefault: false };
    const tag = { taxonomy: 'post_tag' as const, isDefault: false };
    expect(can(actor(1, 'editor'), { capability: 'edit_term', term: category })).toBe(true);
    expect(can(actor(1, 'author'), { capability: 'edit_term', term: category })).toBe(false);
    expect(can(actor(1, 'author'), { capability: 'delete_term', term: tag })).toBe(false);
    expect(can(actor(1, 'contributor'), { capability: 'assign_term', term: tag })).toBe(true);
    expect(can(actor(1, 'subscriber'), { capability: 'assign_term', term: category })).toBe(false);
    expect(
      can(actor(1, 'administrator'), {
        capability: 'delete_term',
        term: { ...category, isDefault: true },
      }),
    ).toBe(false);
    expect(can(actor(1, 'editor'), { capability: 'edit_terms', taxonomy: 'post_tag' })).toBe(true);
    expect(can(actor(1, 'author'), { capability: 'assign_terms', taxonomy: 'category' })).toBe(
      true,
    );
    expect(can(actor(1, 'author'), { capability: 'manage_terms', taxonomy: 'category' })).toBe(
      false,
    );
  });
});
