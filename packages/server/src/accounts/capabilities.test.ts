import { describe, expect, it } from 'vitest';
import { can, mapMetaCapability, type Actor } from './capabilities.js';

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
});
