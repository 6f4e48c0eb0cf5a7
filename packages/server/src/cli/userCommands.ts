import {
  AccountError,
  ROLE_NAMES,
  createUser,
  generatePassword,
  isRole,
  listUsers,
  requireUserByLogin,
  setUserDisabled,
  setUserPassword,
  updateUser,
  type User,
} from '../accounts/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { endAllSessions } from '../sessions/index.js';
// The state module alone: the CLI need not load the providers (WebAuthn, QR codes) to clear challenges.
import { clearLoginChallenges } from '../two-factor/state.js';
import type { Config } from '../config/index.js';
import type { SecurityNotice } from '../mail/index.js';
import type { Store } from '../store/index.js';
import { UsageError } from './args.js';

export interface Output {
  json: boolean;
  print(text: string): void;
  data(value: unknown): void;
}

const cliActor = { ip: 'cli', userAgent: 'latchkey-cli', credential: 'cli' };

function userSummary(u: User) {
  return {
    id: u.id,
    login: u.login,
    email: u.email,
    display_name: u.displayName,
    role: u.role,
    disabled: u.disabled,
    registered: new Date(u.registered).toISOString(),
  };
}

export async function runUserCommand(
  store: Store,
  sub: string | undefined,
  args: string[],
  values: Record<string, string | boolean | undefined>,
  out: Output,
  config?: Config,
): Promise<void> {
  const db = store.db;
  const need = (i: number, what: string) => {
    const v = args[i];
    if (!v) throw new UsageError(`missing ${what}`);
    return v;
  };
  switch (sub) {
    case 'create': {
      const login = need(0, '<login>');
      const email = typeof values.email === 'string' ? values.email : undefined;
      if (!email) throw new UsageError('missing --email');
      const role = typeof values.role === 'string' ? values.role : 'subscriber';
      if (!isRole(role))
        throw new UsageError(`unknown role "${role}": expected one of ${ROLE_NAMES.join(', ')}`);
      const given = typeof values.password === 'string' ? values.password : undefined;
      const invite = values.invite === true;
      if (invite && given !== undefined)
        throw new UsageError('--invite and --password exclude each other');
      if (invite && !config) throw new UsageError('--invite needs the configuration');
      const password = invite ? null : (given ?? generatePassword());
      const user = await createUser(db, {
        login,
        email,
        password,
        role,
        displayName:
          typeof values['display-name'] === 'string' ? values['display-name'] : undefined,
        emailVerified: values['email-verified'] === true,
      });
      await recordAuditEvent(db, {
        ...cliActor,
        event: 'user.created',
        userId: user.id,
        details: { role, ...(invite ? { invited: true } : {}) },
      });
      if (invite && config) {
        const invitation = await mailInvitation(store, config, user);
        if (out.json) out.data({ ...userSummary(user), invitation });
        else
          out.print(
            `Created user ${user.login} (id ${user.id}, ${user.role}) without a password.\n` +
              (invitation.error
                ? `The invitation could not be sent: ${invitation.error}`
                : `Invitation mailed to ${user.email} (${invitation.delivered}); the link works for 24 hours.`),
          );
        return;
      }
      if (out.json) out.data({ ...userSummary(user), ...(given ? {} : { password }) });
      else
        out.print(
          `Created user ${user.login} (id ${user.id}, ${user.role}).${given ? '' : `\nPassword (shown once): ${password}`}`,
        );
      return;
    }
    case 'list': {
      const { users } = await listUsers(db, { page: 1, perPage: 1_000_000 });
      if (out.json) out.data(users.map(userSummary));
      else {
        const rows = users.map((u) => [
          String(u.id),
          u.login,
          u.email,
          u.role,
          u.disabled ? 'disabled' : 'active',
        ]);
        const widths = [0, 1, 2, 3, 4].map((i) =>
          Math.max(
            ...[['ID', 'LOGIN', 'EMAIL', 'ROLE', 'STATUS'], ...rows].map((r) => r[i]!.length),
          ),
        );
        for (const r of [['ID', 'LOGIN', 'EMAIL', 'ROLE', 'STATUS'], ...rows])
          out.print(
            r
              .map((c, i) => c.padEnd(widths[i]!))
              .join('  ')
              .trimEnd(),
          );
      }
      return;
    }
    case 'set-role': {
      const user = await requireUserByLogin(db, need(0, '<login>'));
      const role = need(1, '<role>');
      if (!isRole(role))
        throw new UsageError(`unknown role "${role}": expected one of ${ROLE_NAMES.join(', ')}`);
      const updated = await updateUser(db, user, { role });
      await recordAuditEvent(db, {
        ...cliActor,
        event: 'user.role_changed',
        userId: user.id,
        details: { from: user.role, to: role },
      });
      if (out.json) out.data(userSummary(updated));
      else out.print(`${updated.login} is now ${updated.role}.`);
      return;
    }
    case 'set-password': {
      const user = await requireUserByLogin(db, need(0, '<login>'));
      const given = typeof values.password === 'string' ? values.password : undefined;
      const password = given ?? generatePassword();
      await setUserPassword(db, user.id, password);
      // Second-factor steps begun with the old password die with it.
      await clearLoginChallenges(db, user.id);
      const ended = await endAllSessions(db, user.id);
      await recordAuditEvent(db, {
        ...cliActor,
        event: 'password.changed',
        userId: user.id,
        details: { sessions_ended: ended },
      });
      // SPEC §6.5: the owner is told (never the password itself).
      if (config)
        await mailNoticeFromCli(store, config, user, {
          kind: 'password_changed',
          byAdministrator: true,
        });
      if (out.json)
        out.data({ login: user.login, sessions_ended: ended, ...(given ? {} : { password }) });
      else
        out.print(
          `Password of ${user.login} changed; ${ended} session(s) ended.${given ? '' : `\nNew password (shown once): ${password}`}`,
        );
      return;
    }
    case 'disable':
    case 'enable': {
      const user = await requireUserByLogin(db, need(0, '<login>'));
      await setUserDisabled(db, user, sub === 'disable');
      const ended = sub === 'disable' ? await endAllSessions(db, user.id) : 0;
      await recordAuditEvent(db, {
        ...cliActor,
        event: sub === 'disable' ? 'user.disabled' : 'user.enabled',
        userId: user.id,
        details: { sessions_ended: ended },
      });
      if (out.json)
        out.data({ login: user.login, disabled: sub === 'disable', sessions_ended: ended });
      else
        out.print(
          `${user.login} is ${sub === 'disable' ? `disabled; ${ended} session(s) ended` : 'enabled'}.`,
        );
      return;
    }
    default:
      throw new UsageError(
        `unknown command "user ${sub ?? ''}": expected create, list, set-role, set-password, disable or enable`,
      );
  }
}

/**
 * The command line's mailer (SMTP_URL, else the outbox in the data dir) and a logger on stderr.
 * The mail stack loads only for the commands that mail.
 */
async function cliMailer(config: Config) {
  const [{ createLogger }, { createMailer, mailFromAddress }] = await Promise.all([
    import('../logger.js'),
    import('../mail/index.js'),
  ]);
  const logger = createLogger('warn', process.stderr);
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    dataDir: config.dataDir,
    from: mailFromAddress(config.siteUrl),
    logger,
  });
  return { logger, mailer };
}

/**
 * A security notice to the owner from the command line (SMTP_URL or the outbox), waited for as
 * the process exits right after: `user set-password`, `2fa reset`. A mail failure is reported
 * on stderr; the change is made anyway.
 */
export async function mailNoticeFromCli(
  store: Store,
  config: Config,
  user: User,
  notice: SecurityNotice,
): Promise<void> {
  const [{ logger, mailer }, { mailSecurityNotice }] = await Promise.all([
    cliMailer(config),
    import('../notices/index.js'),
  ]);
  try {
    await mailSecurityNotice(
      { db: store.db, mailer, siteUrl: config.siteUrl, logger, now: Date.now },
      user,
      notice,
      { ip: null },
    );
  } catch (error) {
    logger.warn({ err: error }, `could not mail the ${notice.kind} notice`);
  } finally {
    await mailer.close();
  }
}

/**
 * `user create --invite`: the set-password link mailed (SMTP_URL or the outbox) and waited for,
 * as the process exits right after.
 */
async function mailInvitation(
  store: Store,
  config: Config,
  user: User,
): Promise<{ sent_to: string; expires?: string; delivered?: string; error?: string }> {
  const [{ logger, mailer }, { inviteUser }, crypto, keyFile] = await Promise.all([
    cliMailer(config),
    import('../account-links/index.js'),
    import('../crypto/index.js'),
    import('../config/index.js'),
  ]);
  const keys = crypto.deriveKeys(keyFile.loadInstallationKey(config.dataDir, config.secret));
  try {
    const { link, mail } = await inviteUser(
      {
        db: store.db,
        key: keys.accountLinks,
        mailer,
        siteUrl: config.siteUrl,
        logger,
        now: Date.now,
      },
      user,
      { by: null, origin: { ip: null, userAgent: 'latchkey-cli', credential: 'cli' } },
    );
    return {
      sent_to: user.email,
      expires: new Date(link.expires).toISOString(),
      delivered: mail.delivered,
    };
  } catch (error) {
    return { sent_to: user.email, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await mailer.close();
  }
}

export { AccountError };
