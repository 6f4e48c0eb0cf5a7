import { requireUserByLogin } from '../accounts/index.js';
import { recordAuditEvent } from '../audit/index.js';
import type { Config } from '../config/index.js';
import { loadInstallationKey } from '../config/index.js';
import { deriveKeys } from '../crypto/index.js';
import type { Mailer } from '../mail/index.js';
import { endAllSessions } from '../sessions/index.js';
import { readSettings } from '../settings/index.js';
import type { Store } from '../store/index.js';
import { PROVIDER_LABELS, createTwoFactor, type ProviderId } from '../two-factor/index.js';
import { UsageError } from './args.js';
import { mailNoticeFromCli, type Output } from './userCommands.js';

const cliActor = { ip: 'cli', userAgent: 'latchkey-cli', credential: 'cli' };

/** Status and reset send no mail; anything that tried would be a bug, so it fails loudly. */
const noMail: Mailer = {
  send: () => Promise.reject(new Error('the command line sends no mail')),
  close: async () => {},
};

const labels = (ids: readonly ProviderId[]) =>
  ids.length ? ids.map((p) => `${PROVIDER_LABELS[p]} (${p})`).join(', ') : 'none';

export interface TwoFactorCommand {
  sub: 'status' | 'reset';
  login: string;
}

/** Checks the usage before anything touches the store. */
export function parseTwoFactorCommand(sub: string | undefined, args: string[]): TwoFactorCommand {
  if (sub !== 'status' && sub !== 'reset')
    throw new UsageError(`unknown command "2fa ${sub ?? ''}": expected status or reset`);
  const login = args[0];
  if (!login) throw new UsageError('missing <login>');
  if (args.length > 1) throw new UsageError(`unexpected argument "${args[1]}"`);
  return { sub, login };
}

export async function runTwoFactorCommand(
  store: Store,
  config: Config,
  { sub, login }: TwoFactorCommand,
  out: Output,
): Promise<void> {
  const db = store.db;
  const twoFactor = createTwoFactor({
    db,
    keys: deriveKeys(loadInstallationKey(config.dataDir, config.secret)),
    mailer: noMail,
    now: Date.now,
    siteUrl: () => config.siteUrl,
    siteName: async () => (await readSettings(db)).title,
    emailFallback: async () => (await readSettings(db)).emailFallback,
  });
  const user = await requireUserByLogin(db, login);
  const status = await twoFactor.status(user);

  if (sub === 'status') {
    if (out.json) {
      out.data({ login: user.login, ...status });
      return;
    }
    if (status.enabled.length === 0) {
      out.print(`${user.login} does not use two-factor authentication.`);
      return;
    }
    out.print(
      [
        `${user.login} uses two-factor authentication.`,
        `Enabled: ${labels(status.enabled)}`,
        `Primary: ${status.primary ? `${PROVIDER_LABELS[status.primary]} (${status.primary})` : 'none usable'}`,
        `Usable at sign-in: ${labels(status.available)}`,
        `Recovery codes left: ${status.backup_codes_remaining}`,
        `Security keys: ${status.webauthn.length}${status.webauthn.length ? ` (${status.webauthn.map((k) => k.name).join(', ')})` : ''}`,
      ].join('\n'),
    );
    return;
  }

  await twoFactor.reset(user);
  const ended = await endAllSessions(db, user.id);
  await recordAuditEvent(db, {
    ...cliActor,
    event: 'two_factor.reset',
    userId: user.id,
    details: { by: null, providers: status.enabled, sessions_ended: ended },
  });
  // SPEC §6.5: a factor removed is news to its owner, whoever removed it.
  if (status.enabled.length > 0)
    await mailNoticeFromCli(store, config, user, {
      kind: 'factor_removed',
      method: 'Every method (a reset)',
      byAdministrator: true,
    });
  if (out.json) {
    out.data({
      login: user.login,
      reset: true,
      removed: status.enabled,
      sessions_ended: ended,
      status: await twoFactor.status(user),
    });
    return;
  }
  const required = (await readSettings(db)).requiredTwoFactorRoles.includes(user.role);
  out.print(
    `Reset two-factor authentication of ${user.login}: removed ${status.enabled.length ? labels(status.enabled) : 'nothing (none was enabled)'}; ended ${ended} session(s).\n` +
      (required
        ? `${user.login} must set up a new method right after the next sign-in (required for the role ${user.role}).`
        : `${user.login} now signs in with the password alone.`),
  );
}
