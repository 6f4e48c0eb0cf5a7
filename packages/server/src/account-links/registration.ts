import {
  AccountError,
  createUser,
  findUserByLoginOrEmail,
  isRole,
  isValidEmail,
  isValidLogin,
  type Role,
  type User,
} from '../accounts/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { registrationAttemptMail } from '../mail/index.js';
import type { SiteSettings } from '../settings/index.js';
import {
  auditOrigin,
  inBackground,
  linkUrl,
  mailBase,
  send,
  type AccountLinkDeps,
  type LinkOrigin,
} from './deps.js';
import { drawLinkToken } from './links.js';
import { mailPasswordLink } from './passwordLinks.js';

/** The role a registration gets: the site's default, never administrator (SPEC §12). */
export function registrationRole(settings: Pick<SiteSettings, 'defaultRole'>): Role {
  const role = settings.defaultRole;
  return isRole(role) && role !== 'administrator' ? role : 'subscriber';
}

export type RegistrationResult =
  { ok: true } | { ok: false; problem: string; field: 'user_login' | 'user_email' };

/**
 * `/register` (SPEC §12). Only the form of the login and address is judged here, which says
 * nothing about who is registered; a taken login or address answers exactly like a new account
 * (no enumeration). The account is created without a password, and the set-password link (which
 * also proves the address) is mailed, after the answer; an address that already has an account
 * gets a notice instead (its owner may have forgotten), a taken login with a new address nothing.
 */
export async function registerAccount(
  deps: AccountLinkDeps,
  settings: Pick<SiteSettings, 'defaultRole'>,
  input: { login: string; email: string; origin: LinkOrigin },
): Promise<RegistrationResult> {
  const login = input.login.trim();
  const email = input.email.trim();
  if (!isValidLogin(login))
    return {
      ok: false,
      field: 'user_login',
      problem:
        'Sorry, that username is not allowed: use letters, digits, spaces and _ . - @ (at most 60).',
    };
  if (!isValidEmail(email))
    return { ok: false, field: 'user_email', problem: 'Sorry, that email address is not valid.' };
  const drawn = drawLinkToken(deps.key);
  const role = registrationRole(settings);
  inBackground(deps, 'registering an account', async () => {
    let user: User;
    try {
      user = await createUser(deps.db, { login, email, password: null, role }, deps.now());
    } catch (error) {
      if (!(error instanceof AccountError)) throw error;
      if (error.code === 'existing_user_email') await noticeToOwner(deps, email, input.origin);
      return;
    }
    await recordAuditEvent(
      deps.db,
      {
        event: 'user.registered',
        userId: user.id,
        ...auditOrigin(input.origin),
        details: { role },
      },
      deps.now(),
    );
    if (deps.accountMailLimit) await deps.accountMailLimit(`user:${user.id}`);
    await mailPasswordLink(deps, user, 'register', input.origin, drawn);
  });
  return { ok: true };
}

async function noticeToOwner(deps: AccountLinkDeps, email: string, origin: LinkOrigin) {
  const owner = await findUserByLoginOrEmail(deps.db, email);
  if (!owner || owner.disabled) return;
  if (deps.accountMailLimit && !(await deps.accountMailLimit(`user:${owner.id}`)).allowed) return;
  const lostPasswordUrl = linkUrl(deps, '/login/lost-password', {});
  await send(
    deps,
    owner.email,
    registrationAttemptMail({
      ...(await mailBase(deps, owner, origin)),
      lostPasswordUrl: lostPasswordUrl.replace(/\?$/, ''),
    }),
  );
}
