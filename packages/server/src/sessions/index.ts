export {
  SESSION_COOKIE,
  SESSION_TTL_MS,
  REMEMBERED_SESSION_TTL_MS,
  createSession,
  resolveSession,
  markReauthenticated,
  reauthenticateSession,
  rotateSessionToken,
  liftEnrolmentRestriction,
  liftPasswordChangeRestriction,
  sessionIsLive,
  IDLE_TIMEOUT_MS,
  REMEMBERED_IDLE_TIMEOUT_MS,
  LAST_SEEN_COALESCE_MS,
  listSessions,
  endSession,
  endOtherSessions,
  endAllSessions,
  purgeExpiredSessions,
  type Session,
} from './sessions.js';
export { CSRF_COOKIE, csrfTokenForSession, csrfTokenForBrowser, csrfTokenMatches } from './csrf.js';
export {
  signInWithPassword,
  openSession,
  type OpenSessionInput,
  type SignInAttempt,
  type SignInResult,
  type SignInDeps,
} from './signIn.js';
export { safeRedirectTarget } from './redirect.js';
