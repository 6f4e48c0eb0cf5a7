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
      const password = given ?? generatePassword();
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
        details: { role },
      });
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

export { AccountError };
