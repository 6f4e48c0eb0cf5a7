/** The notices of the user pages after a redirect, by their `done` key. */
export const USER_NOTICES = {
  app_password_revoked: 'Application password revoked.',
  app_passwords_revoked: 'All application passwords of this user were revoked.',
  created: 'User created.',
  invited: 'User created without a password: we emailed an invitation to set one (valid 24 hours).',
  invitation_sent: 'Invitation sent: the earlier link, if any, no longer works.',
  invitation_cancelled: 'Invitation cancelled: its link no longer works.',
  profile: 'Profile saved.',
  email_change_sent: 'We emailed a link to the new address; it takes effect once opened.',
  reset_sent: 'Password reset link sent.',
  role: 'Role changed.',
  disabled: 'Account disabled; its sessions were ended.',
  enabled: 'Account enabled.',
  sessions: 'All sessions of this user were ended.',
  two_factor_reset: 'Two-factor authentication of this user was reset; their sessions were ended.',
};
