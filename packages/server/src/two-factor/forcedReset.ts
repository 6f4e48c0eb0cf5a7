import { generatePassword, setUserPassword, type User } from '../accounts/index.js';
import { plainMessage } from '../mail/index.js';
import { endAllSessions } from '../sessions/index.js';
import type { TwoFactorDeps } from './deps.js';
import { clearLoginChallenges } from './loginChallenges.js';
import { FORCED_RESET_AFTER_FAILURES } from './policies.js';
import { saveTwoFactorState } from './state.js';

/**
 * After too many failed second factors the password is evidently known to someone else: it is
 * replaced by a random one, every pending step and session ends, and the user and every
 * administrator are told (SPEC §6.2). Mail failures are swallowed: the reset has happened and
 * must not be reported as a failed attempt.
 */
export async function forcePasswordReset(deps: TwoFactorDeps, user: User, ip: string) {
  const { db } = deps;
  await setUserPassword(db, user.id, generatePassword(32));
  await clearLoginChallenges(db, user.id);
  await endAllSessions(db, user.id);
  await saveTwoFactorState(db, user.id, { failures: 0, lastFailureAt: null });
  const text = (who: string) =>
    `${who} had ${FORCED_RESET_AFTER_FAILURES} failed second-factor attempts in a row (the last from ${ip}), so the password of the account "${user.login}" was reset to a random one and its sessions were ended.\n\n` +
    `Someone may know the password. To get back in, ask an administrator to set a new password (latchkey user set-password ${user.login}).`;
  const mailUser = async (subject: string, body: string) => {
    const site = await deps.siteName();
    await deps.mailer.send({ to: user.email, ...plainMessage(`[${site}] ${subject}`, body) });
  };
  await mailUser(
    'Your password was reset after repeated failed sign-ins',
    text('Your account'),
  ).catch(() => {});
  const admins = await db
    .selectFrom('users')
    .select(['email', 'login'])
    .where('role', '=', 'administrator')
    .where('disabled', '=', 0)
    .execute();
  for (const admin of admins) {
    await deps.mailer
      .send({
        to: admin.email,
        ...plainMessage(
          `[${await deps.siteName()}] Password of ${user.login} reset after repeated failed sign-ins`,
          text(`The account "${user.login}"`),
        ),
      })
      .catch(() => {});
  }
}
