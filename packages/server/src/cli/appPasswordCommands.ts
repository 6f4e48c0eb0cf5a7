import { requireUserByLogin } from '../accounts/index.js';
import {
  createApplicationPassword,
  deleteAllApplicationPasswords,
  deleteApplicationPassword,
  findApplicationPassword,
  isAppIdBlocked,
  isValidAppId,
  parseCredentialLimits,
  CredentialLimitError,
  listApplicationPasswords,
  mailApplicationPasswordCreated,
  sanitizeApplicationPasswordName,
  type ApplicationPassword,
} from '../app-passwords/index.js';
import { recordAuditEvent } from '../audit/index.js';
import type { Config } from '../config/index.js';
import type { SendResult } from '../mail/index.js';
import type { Store } from '../store/index.js';
import { ServiceError, listServices, parseServicesLimit } from '../services/index.js';
import { NotFound, UsageError } from './args.js';
import type { Output } from './userCommands.js';

const cliActor = { ip: 'cli', userAgent: 'latchkey-cli', credential: 'cli' };
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function summary(r: ApplicationPassword) {
  return {
    uuid: r.uuid,
    app_id: r.appId,
    name: r.name,
    created: iso(r.created),
    last_used: iso(r.lastUsed),
    last_ip: r.lastIp,
    scope: r.scope,
    role_ceiling: r.roleCeiling,
    expires: iso(r.expires),
    services: r.services,
  };
}

/**
 * Mails the owner the same creation notice the other paths send (SPEC §3.4), and waits for it:
 * the process exits right after. A failed mail is reported, not fatal: the password exists.
 */
async function mailCreationNotice(
  store: Store,
  config: Config,
  owner: Parameters<typeof mailApplicationPasswordCreated>[1],
  record: ApplicationPassword,
): Promise<{ result?: SendResult; error?: string }> {
  // Loaded here, not at the top: every other command starts faster without the mail stack.
  const [{ createLogger }, { createMailer, mailFromAddress }] = await Promise.all([
    import('../logger.js'),
    import('../mail/index.js'),
  ]);
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    dataDir: config.dataDir,
    from: mailFromAddress(config.siteUrl),
    // stdout carries the command's output (and --json); the mailer's own warnings go to stderr.
    logger: createLogger('warn', process.stderr),
  });
  try {
    const result = await mailApplicationPasswordCreated(
      { db: store.db, mailer, siteUrl: config.siteUrl },
      owner,
      record,
      { ip: null, userAgent: 'latchkey app-password create (the server’s command line)' },
    );
    return { result };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    await mailer.close();
  }
}

export async function runAppPasswordCommand(
  store: Store,
  config: Config,
  sub: string | undefined,
  args: string[],
  values: Record<string, string | boolean | undefined>,
  out: Output,
): Promise<void> {
  const db = store.db;
  const login = args[0];
  if (sub && ['create', 'list', 'revoke'].includes(sub) && !login)
    throw new UsageError('missing <login>');
  switch (sub) {
    case 'create': {
      const user = await requireUserByLogin(db, login!);
      const name = sanitizeApplicationPasswordName(
        typeof values.name === 'string' ? values.name : '',
      );
      if (name === '')
        throw new UsageError('missing --name (the application password needs a name)');
      const appId = typeof values['app-id'] === 'string' ? values['app-id'] : '';
      if (!isValidAppId(appId))
        throw new UsageError(`invalid --app-id "${appId}": expected a lowercase UUID`);
      if (await isAppIdBlocked(db, appId))
        throw new UsageError(`app ${appId} is blocked on this site`);
      let limits;
      try {
        limits = parseCredentialLimits(
          { scope: values.scope, roleCeiling: values['role-ceiling'], expires: values.expires },
          user.role,
          Date.now(),
        );
      } catch (error) {
        if (error instanceof CredentialLimitError) {
          throw new UsageError(`invalid --${error.param.replace('_', '-')}: ${error.detail}`);
        }
        throw error;
      }
      let services: string[];
      try {
        const registered = (await listServices(db)).map((s) => s.slug);
        services = parseServicesLimit(values.services, registered);
      } catch (error) {
        if (error instanceof ServiceError)
          throw new UsageError(`invalid --services: ${error.detail}`);
        throw error;
      }
      const created = await createApplicationPassword(
        db,
        { userId: user.id, name, appId, ...limits, services },
        Date.now(),
      );
      await recordAuditEvent(db, {
        ...cliActor,
        event: 'app_password.created',
        userId: user.id,
        details: { uuid: created.record.uuid, name, app_id: appId },
      });
      const notice = await mailCreationNotice(store, config, user, created.record);
      if (out.json)
        out.data({
          ...summary(created.record),
          password: created.password,
          user_login: user.login,
          notice: notice.result
            ? { sent_to: user.email, delivered: notice.result.delivered }
            : { error: notice.error },
        });
      else
        out.print(
          `Created application password "${name}" (${created.record.uuid}) for ${user.login}.\nPassword (shown once): ${created.chunked}\n` +
            (notice.result
              ? `The owner was told at ${user.email}${notice.result.path ? ` (written to ${notice.result.path})` : ''}.`
              : `Warning: the notice to ${user.email} could not be sent: ${notice.error}`),
        );
      return;
    }
    case 'list': {
      const user = await requireUserByLogin(db, login!);
      const records = await listApplicationPasswords(db, user.id);
      if (out.json) out.data(records.map(summary));
      else if (records.length === 0) out.print(`${user.login} has no application passwords.`);
      else
        for (const r of records)
          out.print(
            `${r.uuid}  ${r.name}  created ${iso(r.created)}  last used ${iso(r.lastUsed) ?? 'never'}${r.lastIp ? ` from ${r.lastIp}` : ''}`,
          );
      return;
    }
    case 'revoke': {
      const user = await requireUserByLogin(db, login!);
      if (values.all === true) {
        const count = await deleteAllApplicationPasswords(db, user.id);
        await recordAuditEvent(db, {
          ...cliActor,
          event: 'app_password.revoked',
          userId: user.id,
          details: { all: true, count },
        });
        if (out.json) out.data({ deleted: true, count });
        else out.print(`Revoked ${count} application password(s) of ${user.login}.`);
        return;
      }
      const uuid = args[1];
      if (!uuid) throw new UsageError('missing <uuid> (or --all)');
      const record = await findApplicationPassword(db, user.id, uuid);
      if (!record) throw new NotFound(`No application password ${uuid} for ${user.login}.`);
      await deleteApplicationPassword(db, record);
      await recordAuditEvent(db, {
        ...cliActor,
        event: 'app_password.revoked',
        userId: user.id,
        details: { uuid: record.uuid, name: record.name },
      });
      if (out.json) out.data({ deleted: true, previous: summary(record) });
      else out.print(`Revoked "${record.name}" (${record.uuid}).`);
      return;
    }
    default:
      throw new UsageError(
        `unknown command "app-password ${sub ?? ''}": expected create, list or revoke`,
      );
  }
}

/** A refusal (exit code 1), not a usage mistake. */
