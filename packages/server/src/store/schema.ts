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
  /** The password was generated for the first administrator and must be changed (§6.5). */
  password_must_change: Generated<number>;
}

export interface UserTwoFactorTable {
  user_id: number;
  /** JSON array of enabled provider ids. */
  providers: Generated<string>;
  primary_provider: string | null;
  /** Sealed with the installation key (crypto.sealSecret). */
  totp_secret: string | null;
  totp_last_step: number | null;
  failures: Generated<number>;
  last_failure_at: number | null;
  email_code_hash: string | null;
  email_code_expires: number | null;
  /** JSON array of times sign-in codes were mailed (the resend throttle). */
  email_sends: Generated<string>;
  proof_code_hash: string | null;
  proof_code_expires: number | null;
  proof_email: string | null;
  /** While set and in the future, one attempt is being checked (see migration 0006). */
  attempt_lock_until: number | null;
}

export interface BackupCodesTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  used_at: number | null;
}

export interface WebauthnCredentialsTable {
  id: string;
  user_id: number;
  name: string;
  public_key: string;
  counter: number;
  transports: string;
  created: number;
  last_used: number | null;
}

export interface LoginChallengesTable {
  token_hash: string;
  user_id: number;
  /** `login` (no session yet) or `reauth` (step-up inside a session). */
  purpose: string;
  created: number;
  expires: number;
  redirect_to: string;
  remember: number;
  session_id: string | null;
  webauthn_challenge: string | null;
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
  pending_totp_secret: string | null;
  pending_totp_at: number | null;
  /** A session that may only enrol a second factor (required two-factor). */
  enrolment_only: Generated<number>;
  /** The first administrator's one-time password: this session may only change it. */
  password_change_only: Generated<number>;
  webauthn_challenge: string | null;
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
  expiry_notified_at: Generated<number | null>;
  /** JSON list of service slugs the password is limited to (SPEC §11); `[]` = every service. */
  services: Generated<string>;
}

/** A service guarded by forward authentication (SPEC §11). */
export interface ServicesTable {
  slug: string;
  name: string;
  /** JSON list of `host` or `host/path-prefix` entries. */
  hosts: string;
  /** JSON list of roles admitted; `[]` with no capability admits every signed-in user. */
  roles: string;
  capability: string | null;
  /** 1: session cookies accepted and signed-out browsers sent to sign in. */
  browser: number;
  /** `required` | `if_enrolled`. */
  two_factor: string;
  /** The least scope an application password needs here: `full` | `content`. */
  scope: string;
  created: number;
}

/** Which credential has been used on which service (the first use is an audit event). */
export interface ServiceFirstUsesTable {
  credential: string;
  service: string;
  time: number;
}

/** One-time codes of the authorize hand-off, stored as keyed hashes; single use, 60 s. */
export interface AuthorizeCodesTable {
  code_hash: string;
  user_id: number;
  app_password_uuid: string;
  app_id: string;
  success_url: string;
  code_challenge: string | null;
  sealed_password: string;
  created: number;
  expires: number;
}

/** Single-use links mailed to people (SPEC §12), stored as keyed hashes of their tokens. */
export interface AccountLinksTable {
  id: Generated<number>;
  token_hash: string;
  user_id: number;
  /** `reset` | `invite` | `register` | `email_change`. */
  purpose: string;
  /** The address an `email_change` link moves the account to. */
  new_email: string | null;
  created: number;
  expires: number;
  used_at: number | null;
  /** Set when a newer link of the same kind, or a cancellation, replaced this one. */
  voided_at: number | null;
  /** Who asked for it (the client address), for the mail and the audit trail. */
  ip: Generated<string>;
}

export interface AppIdBlocksTable {
  app_id: string;
  blocked_by: number | null;
  created: number;
  reason: string;
}

export interface PostsTable {
  id: Generated<number>;
  type: string;
  author_id: number;
  status: string;
  title: string;
  content: string;
  excerpt: string;
  /** Null while a draft or pending post has no slug yet. */
  slug: string | null;
  /** Relative to the site URL, fixed when the post is created (WordPress's guid). */
  guid: string;
  date: number;
  date_floating: number;
  modified: number;
  parent: number;
  menu_order: number;
  comment_status: string;
  ping_status: string;
  sticky: number;
  format: string;
  password: string;
  featured_media: number;
  trashed_from: string | null;
}

export interface TermsTable {
  id: Generated<number>;
  taxonomy: string;
  name: string;
  slug: string;
  description: string;
  parent: number;
}

export interface TermRelationshipsTable {
  post_id: number;
  term_id: number;
}

export interface MediaTable {
  id: Generated<number>;
  author_id: number;
  post_id: number;
  /** Relative to <data-dir>/uploads. */
  file: string;
  mime_type: string;
  size: number;
  width: number | null;
  height: number | null;
  title: string;
  slug: string;
  caption: string;
  description: string;
  alt_text: string;
  comment_status: string;
  ping_status: string;
  date: number;
  modified: number;
  /** Imported from WordPress: the attachment's original URL (the file is not copied). */
  source_url: Generated<string | null>;
}

/** Which Latchkey row each imported WordPress user, term, post and attachment became. */
export interface WordpressImportIdsTable {
  site: string;
  kind: string;
  source_id: number;
  target_id: number;
}

/** Ids for posts, pages and attachments, shared as in WordPress's one `wp_posts` table. */
export interface ContentIdsTable {
  id: Generated<number>;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  settings: SettingsTable;
  application_passwords: ApplicationPasswordsTable;
  app_id_blocks: AppIdBlocksTable;
  services: ServicesTable;
  service_first_uses: ServiceFirstUsesTable;
  authorize_codes: AuthorizeCodesTable;
  account_links: AccountLinksTable;
  user_two_factor: UserTwoFactorTable;
  backup_codes: BackupCodesTable;
  webauthn_credentials: WebauthnCredentialsTable;
  login_challenges: LoginChallengesTable;
  posts: PostsTable;
  terms: TermsTable;
  term_relationships: TermRelationshipsTable;
  media: MediaTable;
  content_ids: ContentIdsTable;
  wordpress_import_ids: WordpressImportIdsTable;
}
