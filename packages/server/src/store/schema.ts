import type { Generated } from 'kysely';

/** Times are integer milliseconds since the epoch (UTC) in both dialects. */
export interface UsersTable {
  id: Generated<number>;
  login: string;
  /** Lower-cased login: logins are unique case-insensitively. */
  login_key: string;
  email: string;
  email_key: string;
  display_name: string;
  first_name: string;
  last_name: string;
  nickname: string;
  description: string;
  url: string;
  role: string;
  password_hash: string;
  registered: number;
  email_verified_at: number | null;
  disabled: number;
  /** Bumped on password change, disable and "end all sessions": cached credentials compare it. */
  credentials_version: Generated<number>;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: number;
  created: number;
  expires: number;
  last_seen: number;
  ip: string;
  user_agent: string;
  remember: number;
  second_factor: string | null;
  /** Last time the person proved who they are in this session (password or second factor). */
  authenticated_at: number;
}

export interface AuditEventsTable {
  id: Generated<number>;
  time: number;
  event: string;
  user_id: number | null;
  ip: string;
  user_agent: string;
  credential: string | null;
  details: string;
}

export interface SettingsTable {
  name: string;
  value: string;
}

export interface ApplicationPasswordsTable {
  uuid: string;
  user_id: number;
  app_id: string;
  name: string;
  password_hash: string;
  created: number;
  last_used: number | null;
  last_ip: string | null;
  scope: string;
  role_ceiling: string | null;
  expires: number | null;
}

export interface AppIdBlocksTable {
  app_id: string;
  blocked_by: number | null;
  created: number;
  reason: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  settings: SettingsTable;
  application_passwords: ApplicationPasswordsTable;
  app_id_blocks: AppIdBlocksTable;
}
