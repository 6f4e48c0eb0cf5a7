/** The notices of the user pages after a redirect, by their `done` key. */
export const USER_NOTICES = {
  app_password_revoked: 'Application password revoked.',
  app_passwords_revoked: 'All application passwords of this user were revoked.',
  created: 'User created.',
  role: 'Role changed.',
  disabled: 'Account disabled; its sessions were ended.',
  enabled: 'Account enabled.',
  sessions: 'All sessions of this user were ended.',
  two_factor_reset: 'Two-factor authentication of this user was reset; their sessions were ended.',
};
