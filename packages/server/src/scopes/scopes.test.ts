import { describe, expect, it } from 'vitest';
import type { User } from '../accounts/index.js';
import { effectiveUser, scopeAllows } from './index.js';

const owner = { id: 1, role: 'administrator', disabled: false } as User;

describe('scopes', () => {
  it('a content password reaches only content; a full one everything', () => {
    expect(scopeAllows('content', 'content')).toBe(true);
    expect(scopeAllows('content', 'full')).toBe(false);
    expect(scopeAllows('full', 'full')).toBe(true);
    expect(scopeAllows('full', 'content')).toBe(true);
  });
  it('a role ceiling lowers, never raises', () => {
    expect(effectiveUser(owner, { roleCeiling: 'author' }).role).toBe('author');
    expect(effectiveUser({ ...owner, role: 'author' }, { roleCeiling: 'editor' }).role).toBe(
      'author',
    );
    expect(effectiveUser(owner, { roleCeiling: null })).toBe(owner);
    expect(effectiveUser(owner, undefined)).toBe(owner);
  });
});
